"""The SLA service's own database: durable deadlines, indexed by due time."""

from datetime import datetime

from sqlalchemy import Index, Integer, String, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin

OPEN, FIRED, CLOSED = "open", "fired", "closed"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_open_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]


class DeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DeadlineRow) -> None:
        self.session.add(row)

    async def close(self, order_id: str, kinds: tuple[str, ...] | None = None) -> None:
        query = update(DeadlineRow).where(
            DeadlineRow.order_id == order_id, DeadlineRow.state == OPEN
        )
        if kinds is not None:
            query = query.where(DeadlineRow.kind.in_(kinds))
        await self.session.execute(query.values(state=CLOSED))

    async def take_due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeadlineRow]:
        """Open deadlines that are due, locked for this transaction (PostgreSQL: replicas skip
        each other's rows, so none fires twice)."""
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.state == OPEN, DeadlineRow.due_at <= now)
            .order_by(DeadlineRow.due_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def open_counts(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(DeadlineRow.kind, func.count())
            .where(DeadlineRow.state == OPEN)
            .group_by(DeadlineRow.kind)
        )
        return {kind: count for kind, count in rows.all()}

    async def fired_counts(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(DeadlineRow.kind, func.count())
            .where(DeadlineRow.state == FIRED)
            .group_by(DeadlineRow.kind)
        )
        return {kind: count for kind, count in rows.all()}
