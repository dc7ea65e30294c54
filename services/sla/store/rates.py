"""What the month's rates are counted from: one row per fact that counts (a resolution, a
callback, a reopen, a 催办, a 督办), with the department and grid holding the order when it
happened, and each order's current holder (the grid comes with a dispatch only)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, func, or_, select
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


class RateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hold(self, order_id: str, department: str, grid: str | None) -> None:
        row = await self.session.get(HolderRow, order_id)
        if row is None:
            self.session.add(HolderRow(order_id=order_id, department=department, grid=grid))
        else:
            row.department, row.grid = department, grid

    async def holder(self, order_id: str) -> Holder:
        """Who holds the order: its latest dispatch, else the department the SLA knows."""
        row = await self.session.get(HolderRow, order_id)
        if row is not None:
            return Holder(row.department, row.grid)
        department = await self.session.scalar(
            select(OrderRow.department).where(OrderRow.order_id == order_id)
        )
        return Holder(department, None)

    async def on_time(self, order_id: str) -> bool | None:
        """Whether the order's latest resolution kept its clock (set by its handler)."""
        found: bool | None = await self.session.scalar(
            select(OrderRow.on_time).where(OrderRow.order_id == order_id)
        )
        return found

    async def record(
        self, event_id: str, order_id: str, fact: str, at: datetime, **outcome: object
    ) -> None:
        holder = await self.holder(order_id)
        self.session.add(
            RateFactRow(
                event_id=event_id,
                order_id=order_id,
                fact=fact,
                at=at,
                department=holder.department,
                grid=holder.grid,
                **outcome,
            )
        )

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
