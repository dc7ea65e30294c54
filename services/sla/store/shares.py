"""Each department's spell holding an order, written through prebuilt Core statements only (no
ORM copy of a share in a handler's unit to fall out of step)."""

from datetime import datetime

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.store.tables import ShareRow

SHARES: Table = ShareRow.__table__  # type: ignore[assignment]

_CURRENT_SHARE = (
    select(SHARES.c.id, SHARES.c.department)
    .where(SHARES.c.order_id == bindparam("order_id"), SHARES.c.ended_at.is_(None))
    .order_by(SHARES.c.id.desc())
    .limit(1)
)
_START_SHARE = insert(SHARES)
_END_SHARE = (
    update(SHARES)
    .where(SHARES.c.id == bindparam("share_id"))
    .values(ended_at=bindparam("at"), outcome=bindparam("why"))
)
_END_CURRENT_SHARE = (
    update(SHARES)
    .where(
        SHARES.c.id
        == select(func.max(SHARES.c.id))
        .where(SHARES.c.order_id == bindparam("the_order"), SHARES.c.ended_at.is_(None))
        .scalar_subquery()
    )
    .values(ended_at=bindparam("at"), outcome=bindparam("why"))
)


class ShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, order_id: str) -> tuple[int, str] | None:
        """The id and department of the share running now."""
        row = (await self.session.execute(_CURRENT_SHARE, {"order_id": order_id})).first()
        return (row[0], row[1]) if row is not None else None

    async def start(self, order_id: str, department: str, at: datetime) -> None:
        await self.session.execute(
            _START_SHARE,
            {
                "order_id": order_id,
                "department": department,
                "started_at": at,
                "ended_at": None,
                "outcome": None,
            },
        )

    async def end(self, share_id: int, at: datetime, outcome: str) -> None:
        await self.session.execute(_END_SHARE, {"share_id": share_id, "at": at, "why": outcome})

    async def end_current(self, order_id: str, at: datetime, outcome: str) -> None:
        """The share running now (if any) ends."""
        await self.session.execute(
            _END_CURRENT_SHARE, {"the_order": order_id, "at": at, "why": outcome}
        )

    async def of_order(self, order_id: str) -> list[ShareRow]:
        return list(
            await self.session.scalars(
                select(ShareRow).where(ShareRow.order_id == order_id).order_by(ShareRow.id)
            )
        )
