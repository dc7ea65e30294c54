"""Our own follow-ups' named queries: the orders resolved lately that we call back ourselves, and
each one's tries this round. The tries are kept as follow-up rows like the platform's messages
(``kind`` own_callback, own_unreached or own_urge; ``order_no`` our own order id), so a 回访 is
recorded the same way whoever made it. None of them commits: the caller's unit of work does."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.store.tables import FollowupRow, OrderRow, TimelineRow

REACHED, UNREACHED, URGED = "own_callback", "own_unreached", "own_urge"


class OwnFollowupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def resolved_since(
        self, sources: tuple[str, ...], states: frozenset[str], since: datetime
    ) -> list[tuple[OrderRow, datetime]]:
        """Orders of these sources in these states whose last resolution is at or after
        ``since``, with that time."""
        resolved = (
            select(TimelineRow.order_id, func.max(TimelineRow.occurred_at).label("at"))
            .where(TimelineRow.event_type == "OrderResolved")
            .group_by(TimelineRow.order_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(OrderRow, resolved.c.at)
            .join(resolved, resolved.c.order_id == OrderRow.order_id)
            .where(
                OrderRow.source.in_(sources),
                OrderRow.state.in_(sorted(states)),
                resolved.c.at >= since,
            )
        )
        return [(order, at) for order, at in rows]

    async def tries(self, order_ids: list[str]) -> list[FollowupRow]:
        """Our callbacks on these orders, every round, oldest first."""
        if not order_ids:
            return []
        rows = await self.session.scalars(
            select(FollowupRow)
            .where(FollowupRow.order_id.in_(order_ids), FollowupRow.kind.in_((REACHED, UNREACHED)))
            .order_by(FollowupRow.at, FollowupRow.message_id)
        )
        return list(rows)

    def add(self, row: FollowupRow) -> None:
        self.session.add(row)
