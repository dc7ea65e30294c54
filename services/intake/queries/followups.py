"""The 12345 follow-ups about no order we know, for a person to look at."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.schemas import UnmatchedFollowup, UnmatchedFollowups
from services.intake.store import FollowupRepository
from shared.clock import to_local


async def unmatched_followups(session: AsyncSession, limit: int, offset: int) -> UnmatchedFollowups:
    rows = await FollowupRepository(session).unmatched(limit, offset)
    return UnmatchedFollowups(
        items=[
            UnmatchedFollowup(
                message_id=r.message_id,
                order_no=r.order_no,
                kind=r.kind,
                at=to_local(r.at).isoformat(),
                received_at=to_local(r.received_at).isoformat(),
                body=r.body,
            )
            for r in rows
        ]
    )
