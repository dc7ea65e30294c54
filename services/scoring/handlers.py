"""Scoring's handlers: every counted outcome comes from an event, each counted once."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring import domain
from services.scoring.store import CountRepository
from shared.contracts import ActivityEvent, Event, OrderEvent


async def count_event(
    event: OrderEvent | ActivityEvent, session: AsyncSession, now: datetime
) -> Sequence[Event]:
    repo = CountRepository(session)
    for worker, month, counter in domain.counter_moves(event):
        await repo.increment(worker, month, counter)
    return []
