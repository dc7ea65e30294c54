"""Events from the log: every count, automatic entry and candidate comes from one, applied once.

The live consumers and ``gridline scoring rebuild`` apply events through the same function
(``apply_event``), so a replay writes the same ledger.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring import domain
from services.scoring.config import RuleBook, ScoringDeps
from services.scoring.domain.candidates import candidates_for
from services.scoring.domain.entries import automatic_entries, recorded_entry
from services.scoring.domain.monthly import Worker, closing_entries, rank_awards
from services.scoring.store import (
    CandidateRepository,
    ClosureRepository,
    CountRepository,
    LedgerRepository,
)
from shared.contracts import ActivityEvent, Event, MonthClosed, OrderEvent, ScoreEntryRecorded
from shared.unit_of_work import UnitOfWork

ORDERS_CONSUMER = "counts"  # the consumer names the inbox records; kept for replay
ACTIVITY_CONSUMER = "activity"


async def apply_event(
    event: OrderEvent | ActivityEvent, session: AsyncSession, book: RuleBook
) -> None:
    counts = CountRepository(session)
    for worker_id, month, counter in domain.counter_moves(event):
        await counts.increment(worker_id, month, counter)
    ledger = LedgerRepository(session)
    match event:
        case ScoreEntryRecorded():
            entry = recorded_entry(event)
            await ledger.append([entry])
            await CandidateRepository(session).confirmed_by(entry)
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


async def score_event(
    event: OrderEvent | ActivityEvent, uow: UnitOfWork, deps: ScoringDeps
) -> Sequence[Event]:
    """Counts, automatic entries and candidates from one event of either topic."""
    await apply_event(event, uow.session, deps.book)
    return []
