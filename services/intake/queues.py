"""Named queries for the care register, grid activity and the durable reply queue."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.phones import variants
from services.intake.store import ActivityRow, CareEntryRow, ReplyRow


class CareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_for(self, phone: str | None, community_key: str | None) -> list[CareEntryRow]:
        """Active entries that could match an order from this phone or community."""
        conditions: list[ColumnElement[bool]] = []
        if phone:
            conditions.append(CareEntryRow.phone.in_(variants(phone)))
        if community_key:
            conditions.append(CareEntryRow.community_key == community_key)
        if not conditions:
            return []
        result = await self.session.scalars(
            select(CareEntryRow)
            .where(CareEntryRow.retired_at.is_(None), or_(*conditions))
            .order_by(CareEntryRow.id)
        )
        return list(result)

    async def same_household(
        self,
        name: str,
        phone: str | None,
        community_key: str | None,
        building: str | None,
        unit: str | None,
        room: str | None,
    ) -> CareEntryRow | None:
        """An active entry for the same person at the same place (a resent report)."""
        return await self.session.scalar(
            select(CareEntryRow).where(
                CareEntryRow.retired_at.is_(None),
                CareEntryRow.name == name,
                _equal(CareEntryRow.phone, phone),
                _equal(CareEntryRow.community_key, community_key),
                _equal(CareEntryRow.building, building),
                _equal(CareEntryRow.unit, unit),
                _equal(CareEntryRow.room, room),
            )
        )

    async def get(self, entry_id: int) -> CareEntryRow | None:
        return await self.session.get(CareEntryRow, entry_id)

    async def listing(self, include_retired: bool, grid: str | None) -> list[CareEntryRow]:
        query = select(CareEntryRow).order_by(CareEntryRow.id)
        if not include_retired:
            query = query.where(CareEntryRow.retired_at.is_(None))
        if grid:
            query = query.where(CareEntryRow.grid == grid)
        return list(await self.session.scalars(query))

    def add(self, row: CareEntryRow) -> None:
        self.session.add(row)


def _equal(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def exists(self, activity_id: str) -> bool:
        return await self.session.get(ActivityRow, activity_id) is not None

    def add(self, row: ActivityRow) -> None:
        self.session.add(row)


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

    async def due(self, now: datetime, limit: int, lock: bool) -> list[ReplyRow]:
        query = (
            select(ReplyRow)
            .where(ReplyRow.sent_at.is_(None), ReplyRow.next_attempt_at <= now)
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
            .where(ReplyRow.sent_at.is_(None))
            .order_by(ReplyRow.due_at.is_(None), ReplyRow.due_at, ReplyRow.id)
            .limit(limit)
        )
        return list(result)

    async def pending_count(self) -> int:
        found = await self.session.scalar(
            select(func.count()).select_from(ReplyRow).where(ReplyRow.sent_at.is_(None))
        )
        return int(found or 0)

    async def for_order(self, order_id: str) -> list[ReplyRow]:
        result = await self.session.scalars(
            select(ReplyRow).where(ReplyRow.order_id == order_id).order_by(ReplyRow.id)
        )
        return list(result)
