"""Scoring's handlers: every score change comes from an event on the log, each applied once.

The live consumers and ``gridline scoring rebuild`` apply events through the same function, so a
replay writes the same ledger.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring import domain
from services.scoring.domain.candidates import candidates_for
from services.scoring.domain.entries import automatic_entries, recorded_entry
from services.scoring.domain.monthly import Worker, closing_entries, rank_awards
from services.scoring.rules import RuleBook
from services.scoring.store import (
    CandidateRepository,
    ClosureRepository,
    CountRepository,
    LedgerRepository,
)
from shared.contracts import ActivityEvent, Event, MonthClosed, OrderEvent, ScoreEntryRecorded
from shared.runtime import EventHandler


async def apply_event(
    event: OrderEvent | ActivityEvent, session: AsyncSession, book: RuleBook
) -> None:
    counts = CountRepository(session)
    for worker, month, counter in domain.counter_moves(event):
        await counts.increment(worker, month, counter)
    ledger = LedgerRepository(session)
    match event:
        case ScoreEntryRecorded():
            await ledger.append([recorded_entry(event)])
        case MonthClosed(payload=closing):
            added = await ClosureRepository(session).add(
                closing.month,
                event.occurred_at,
                closing.by,
                str(event.event_id),
                closing.counts,
                closing.departments,
            )
            if added:
                workers = [Worker(w, w, d) for w, d in sorted(closing.departments.items())]
                awards = rank_awards(workers, closing.counts, book)
                await ledger.append(
                    closing_entries(
                        closing.month,
                        str(event.event_id),
                        event.occurred_at,
                        awards,
                        book,
                        closing.by,
                    )
                )
        case _:
            await ledger.append(automatic_entries(event, book))
            await CandidateRepository(session).add(candidates_for(event, book))


def make_handler(book: RuleBook) -> EventHandler[OrderEvent | ActivityEvent]:
    async def on_event(
        event: OrderEvent | ActivityEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        await apply_event(event, session, book)
        return []

    return on_event
