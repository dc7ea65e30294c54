"""The durable reply queue's named queries: what is owed, what is due, a 撤单's cancel. None of
them commits: the caller's unit of work does."""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.store.tables import ReplyRow

# Owed and still to go: neither delivered nor cancelled by a 撤单.
_UNSENT = (ReplyRow.sent_at.is_(None), ReplyRow.cancelled_at.is_(None))


class ReplyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has(self, order_id: str, cycle: int) -> bool:
        found = await self.session.scalar(
            select(ReplyRow.id).where(ReplyRow.order_id == order_id, ReplyRow.cycle == cycle)
        )
        return found is not None

    def add(self, row: ReplyRow) -> None:
        self.session.add(row)

    async def get(self, row_id: int) -> ReplyRow | None:
        return await self.session.get(ReplyRow, row_id)

    async def due(self, now: datetime, limit: int, lock: bool) -> list[ReplyRow]:
        query = (
            select(ReplyRow)
            .where(*_UNSENT, ReplyRow.next_attempt_at <= now)
            # The platform's nearest deadline first; replies without one after them.
            .order_by(ReplyRow.due_at.is_(None), ReplyRow.due_at, ReplyRow.id)
            .limit(limit)
        )
        if lock:  # PostgreSQL: replicas share the queue, each row goes to one of them
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def pending(self, limit: int) -> list[ReplyRow]:
        result = await self.session.scalars(
            select(ReplyRow)
            .where(*_UNSENT)
            .order_by(ReplyRow.due_at.is_(None), ReplyRow.due_at, ReplyRow.id)
            .limit(limit)
        )
        return list(result)

    async def pending_count(self) -> int:
        found = await self.session.scalar(
            select(func.count()).select_from(ReplyRow).where(*_UNSENT)
        )
        return int(found or 0)

    async def cancel_unsent(self, order_id: str, now: datetime) -> int:
        """Every reply of the order still owed is cancelled; how many. One already claimed and
        on its way may still arrive: the sender records what the platform got."""
        result = await self.session.execute(
            update(ReplyRow).where(ReplyRow.order_id == order_id, *_UNSENT).values(cancelled_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def for_order(self, order_id: str) -> list[ReplyRow]:
        result = await self.session.scalars(
            select(ReplyRow).where(ReplyRow.order_id == order_id).order_by(ReplyRow.id)
        )
        return list(result)
