"""Scoring's own database: activity counts per worker and month."""

from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class CountRow(Base):
    __tablename__ = "activity_counts"

    worker_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    counter: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class CountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def increment(self, worker_id: str, month: str, counter: str) -> None:
        row = await self.session.get(CountRow, (worker_id, month, counter))
        if row is None:
            self.session.add(CountRow(worker_id=worker_id, month=month, counter=counter, count=1))
        else:
            row.count += 1

    async def for_month(self, month: str) -> dict[str, dict[str, int]]:
        rows = await self.session.scalars(select(CountRow).where(CountRow.month == month))
        result: dict[str, dict[str, int]] = {}
        for row in rows:
            result.setdefault(row.worker_id, {})[row.counter] = row.count
        return result
