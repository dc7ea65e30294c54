"""What the month's rates are counted from: one row per fact that counts (a resolution, a
callback, a reopen, a 催办, a 督办), with the department and grid holding the order when it
happened, and each order's current holder (the grid comes with a dispatch only)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Boolean, Index, Integer, String, Table, bindparam, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.sla.domain.rates import Fact, Located
from services.sla.store.tables import Base, OrderRow

RESOLVED, CALLBACK, REOPENED, URGED, SUPERVISED = (
    "resolved",
    "callback",
    "reopened",
    "urged",
    "supervised",
)
WITHDRAWN = "withdrawn"


class RateFactRow(Base):
    __tablename__ = "sla_rate_facts"
    # The rates' only query: a month's facts (a time range), grouped.
    __table_args__ = (Index("ix_sla_rate_facts_at", "at"),)

    event_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40), index=True)
    fact: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime]
    department: Mapped[str | None] = mapped_column(String(40))
    grid: Mapped[str | None] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(Integer, default=1)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(8))
    solved: Mapped[bool | None] = mapped_column(Boolean)


class HolderRow(Base):
    """The department and grid of an order's latest dispatch: whom a fact is counted to."""

    __tablename__ = "sla_rate_holders"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    department: Mapped[str | None] = mapped_column(String(40))
    grid: Mapped[str | None] = mapped_column(String(40))


@dataclass(frozen=True)
class Holder:
    department: str | None
    grid: str | None


_HOLDERS = cast(Table, HolderRow.__table__)
_FACTS = cast(Table, RateFactRow.__table__)


# Every dispatch moves the holder: plain statements built once, no ORM row per order (issue 25).
def _upsert_holder(insert_of: Any) -> Any:
    statement = insert_of(_HOLDERS)
    moved = {"department": statement.excluded.department, "grid": statement.excluded.grid}
    return statement.on_conflict_do_update(index_elements=[_HOLDERS.c.order_id], set_=moved)


_HOLD = {"postgresql": _upsert_holder(pg_insert), "sqlite": _upsert_holder(sqlite_insert)}
_HOLDER = select(_HOLDERS.c.department, _HOLDERS.c.grid).where(
    _HOLDERS.c.order_id == bindparam("order_id")
)
_ORDER_DEPARTMENT = select(OrderRow.department).where(OrderRow.order_id == bindparam("order_id"))
_ON_TIME = select(OrderRow.on_time).where(OrderRow.order_id == bindparam("order_id"))
_FACT_COLUMNS = tuple(c.name for c in _FACTS.c)
_RECORD = insert(_FACTS)


class RateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hold(self, order_id: str, department: str, grid: str | None) -> None:
        bind = self.session.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
        await self.session.execute(
            _HOLD["postgresql" if dialect == "postgresql" else "sqlite"],
            [{"order_id": order_id, "department": department, "grid": grid}],
        )

    async def holder(self, order_id: str) -> Holder:
        """Who holds the order: its latest dispatch, else the department the SLA knows."""
        row = (await self.session.execute(_HOLDER, {"order_id": order_id})).first()
        if row is not None:
            return Holder(row.department, row.grid)
        department = await self.session.scalar(_ORDER_DEPARTMENT, {"order_id": order_id})
        return Holder(department, None)

    async def on_time(self, order_id: str) -> bool | None:
        """Whether the order's latest resolution kept its clock (set by its handler)."""
        found: bool | None = await self.session.scalar(_ON_TIME, {"order_id": order_id})
        return found

    async def record(
        self, event_id: str, order_id: str, fact: str, at: datetime, **outcome: object
    ) -> None:
        holder = await self.holder(order_id)
        row: dict[str, object] = dict.fromkeys(_FACT_COLUMNS)
        row.update(
            {"round": 1, "event_id": event_id, "order_id": order_id, "fact": fact, "at": at},
            department=holder.department,
            grid=holder.grid,
            **outcome,
        )
        await self.session.execute(_RECORD, [row])

    async def counts(self, start: datetime, end: datetime, department: str | None) -> list[Located]:
        """The facts in ``[start, end)``, counted by department, grid, kind and outcome; a
        withdrawn order's count for nothing (撤单)."""
        f = RateFactRow
        query = (
            select(f.department, f.grid, f.fact, f.on_time, f.satisfaction, f.solved, func.count())
            .outerjoin(OrderRow, OrderRow.order_id == f.order_id)
            .where(
                f.at >= start,
                f.at < end,
                or_(OrderRow.state.is_(None), OrderRow.state != WITHDRAWN),
            )
            .group_by(f.department, f.grid, f.fact, f.on_time, f.satisfaction, f.solved)
        )
        if department is not None:
            query = query.where(f.department == department)
        return [
            Located(d, g, Fact(fact, on_time, satisfaction, solved, n))
            for d, g, fact, on_time, satisfaction, solved, n in (
                await self.session.execute(query)
            ).all()
        ]
