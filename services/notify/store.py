"""Notify's own database: what it knows of orders, the deliveries (its outbox of messages to
people), and the local receiver's record of what would have been sent."""

from dataclasses import fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.notify.domain.facts import OrderFacts
from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class OrderFactRow(Base):
    __tablename__ = "order_facts"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")
    category_label: Mapped[str] = mapped_column(String(40), default="")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    deadline: Mapped[datetime | None]
    department: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    ack_due: Mapped[datetime | None]
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    primary_order_id: Mapped[str | None] = mapped_column(String(40))
    taken_in_at: Mapped[datetime | None]
    split_from: Mapped[str | None] = mapped_column(String(40))


class TeamDutyRow(Base):
    """Who the router has on a team's duty, day by day, as its latest dispatch for the team
    named them (``OrderDispatched.team_duty``): notify wakes these people and reads no rotation
    of its own (issue 19)."""

    __tablename__ = "team_duty"

    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    announced_at: Mapped[datetime]


class DeliveryRow(Base):
    """One message to one person on one channel. ``key`` makes it once: a redelivered event
    plans the same key and the insert is skipped."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    group_key: Mapped[str] = mapped_column(
        String(200), index=True, doc="The key less its channel: one person, one notification"
    )
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    incident_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    cause_event_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    sms_params: Mapped[str] = mapped_column(Text, default="{}")
    clocks: Mapped[str] = mapped_column(
        Text, default="", doc="A card's clocks, 'kind@due' separated by ';' (one message lists all)"
    )
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class LocalMessageRow(Base):
    """What the built-in local receiver recorded (the embedded default's “sent” messages)."""

    __tablename__ = "local_messages"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_key: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[str] = mapped_column(String(100), doc="Masked: a phone shows as 138****0101")
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]


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


_DELIVERIES = cast(Table, DeliveryRow.__table__)
_KNOWN_KEYS = select(_DELIVERIES.c.key).where(
    _DELIVERIES.c.key.in_(bindparam("keys", expanding=True))
)
_INSERT_DELIVERIES = insert(_DELIVERIES)


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_key(self, key: str) -> bool:
        return bool(await self.known_keys([key]))

    async def known_keys(self, keys: list[str]) -> set[str]:
        """Which of these keys are stored already, in one statement."""
        if not keys:
            return set()
        found = await self.session.execute(_KNOWN_KEYS, {"keys": keys})
        return set(found.scalars())

    async def told_about(
        self, person_id: str, incident_id: str, notice: str, orders: list[str]
    ) -> bool:
        """Whether the person already has this kind of message about the incident or one of
        its orders (the primary may have been told of before the incident existed)."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.person_id == person_id,
                DeliveryRow.notice == notice,
                or_(DeliveryRow.incident_id == incident_id, DeliveryRow.order_id.in_(orders)),
            )
            .limit(1)
        )
        return found is not None

    async def add(self, rows: list[dict[str, Any]]) -> None:
        """Plain rows in one statement (no ORM objects: nobody reads them back here)."""
        if rows:
            await self.session.execute(_INSERT_DELIVERIES, rows)

    async def cards(
        self, order_id: str, notice: str, person_id: str, channel: str
    ) -> list[DeliveryRow]:
        """The person's cards of this kind about the order on this channel, oldest first."""
        rows = await self.session.scalars(
            select(DeliveryRow)
            .where(
                DeliveryRow.order_id == order_id,
                DeliveryRow.notice == notice,
                DeliveryRow.person_id == person_id,
                DeliveryRow.channel == channel,
            )
            .order_by(DeliveryRow.id)
        )
        return list(rows)

    async def rewrite_unsent(
        self, row: DeliveryRow, clocks: str, text: str, sms_params: str
    ) -> bool:
        """Lists more clocks on a card not yet taken by the delivery job; False when it was
        taken meanwhile (the job's claim wins: the clock then goes in a message of its own)."""
        done = await self.session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == row.id, DeliveryRow.state == PENDING, DeliveryRow.attempts == 0
            )
            .values(clocks=clocks, text=text, sms_params=sms_params)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeliveryRow]:
        query = (
            select(DeliveryRow)
            .where(DeliveryRow.state.in_((PENDING, SENDING)), DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def get(self, delivery_id: int) -> DeliveryRow | None:
        return await self.session.get(DeliveryRow, delivery_id)

    async def others_alive(self, row: DeliveryRow) -> bool:
        """Whether another channel of the same person and notification is sent or still
        trying: the person is reachable, or may yet be."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.group_key == row.group_key,
                DeliveryRow.id != row.id,
                DeliveryRow.state != FAILED,
            )
            .limit(1)
        )
        return found is not None
