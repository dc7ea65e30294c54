"""What notify keeps of orders and of the teams' duty, read and written by the order handlers
with plain statements built once."""

from dataclasses import fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.domain.facts import OrderFacts
from services.notify.store.tables import OrderFactRow, TeamDutyRow

# What the handlers run on every consumed event: plain Core statements built once. An ORM
# ``session.get`` and flush cost notify several times the statement itself (issue 25).
_FACTS = cast(Table, OrderFactRow.__table__)
_FACT_COLUMNS = list(_FACTS.c)
_FACT_NAMES = tuple(f.name for f in fields(OrderFacts))
_GET_FACTS = select(*_FACT_COLUMNS).where(_FACTS.c.order_id == bindparam("order_id"))
_INSERT_FACTS = insert(_FACTS)
_UPDATE_FACTS = (
    update(_FACTS)
    .where(_FACTS.c.order_id == bindparam("b_order_id"))
    .values({c.name: bindparam(c.name) for c in _FACT_COLUMNS if c.name != "order_id"})
)
_DUTY = cast(Table, TeamDutyRow.__table__)
_GET_DUTY = select(_DUTY.c.days, _DUTY.c.announced_at).where(_DUTY.c.unit == bindparam("unit"))
_INSERT_DUTY = insert(_DUTY)
_UPDATE_DUTY = (
    update(_DUTY)
    .where(_DUTY.c.unit == bindparam("b_unit"))
    .values(days=bindparam("days"), announced_at=bindparam("announced_at"))
)


class FactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> OrderFacts | None:
        found = (await self.session.execute(_GET_FACTS, {"order_id": order_id})).first()
        return OrderFacts(**found._mapping) if found is not None else None

    async def get_or_new(self, order_id: str) -> tuple[OrderFacts, bool]:
        """The order's facts, and whether they are stored yet (``save`` needs to know)."""
        facts = await self.get(order_id)
        return (facts, True) if facts is not None else (OrderFacts(order_id=order_id), False)

    async def save(self, facts: OrderFacts, stored: bool) -> None:
        values = {name: getattr(facts, name) for name in _FACT_NAMES}
        if stored:
            values["b_order_id"] = values.pop("order_id")
            await self.session.execute(_UPDATE_FACTS, [values])
        else:
            await self.session.execute(_INSERT_FACTS, [values])


class TeamDutyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def days(self, unit: str) -> list[dict[str, Any]]:
        found = (await self.session.execute(_GET_DUTY, {"unit": unit})).first()
        return list(found.days) if found is not None else []

    async def announce(self, unit: str, days: list[dict[str, Any]], at: datetime) -> None:
        """Kept when newer than what is held: dispatches of other orders may be read late."""
        found = (await self.session.execute(_GET_DUTY, {"unit": unit})).first()
        if found is None:
            await self.session.execute(
                _INSERT_DUTY, [{"unit": unit, "days": days, "announced_at": at}]
            )
        elif at >= found.announced_at and found.days != days:
            await self.session.execute(
                _UPDATE_DUTY, [{"b_unit": unit, "days": days, "announced_at": at}]
            )
