"""The head's queue of proposed deductions (待确认扣分)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.config import RuleBook
from services.scoring.domain.candidates import STATE_LABELS
from services.scoring.schemas import CandidateView
from services.scoring.store import CandidateRepository, CandidateRow
from shared.clock import to_local


def candidate_view(row: CandidateRow, names: dict[str, str], book: RuleBook) -> CandidateView:
    rule = book.rule(row.rule, row.month)
    return CandidateView(
        candidate_id=row.candidate_id,
        rule=row.rule,
        rule_label=rule.label if rule else row.rule,
        points=rule.points if rule else None,
        worker_id=row.worker_id,
        worker_name=names.get(row.worker_id, row.worker_id),
        month=row.month,
        reason=row.reason,
        source=row.source,
        source_ref=row.source_ref,
        occurred_at=to_local(row.occurred_at),
        state=row.state,
        state_label=STATE_LABELS.get(row.state, row.state),
        decided_by=row.decided_by,
        note=row.note,
        entry_id=row.entry_id,
    )


async def candidates(
    session: AsyncSession, book: RuleBook, names: dict[str, str], state: str | None
) -> list[CandidateView]:
    """The candidates of the workers in ``names`` (those the reader sees), in ``state``."""
    rows = await CandidateRepository(session).listed(list(names), state)
    return [candidate_view(r, names, book) for r in rows]
