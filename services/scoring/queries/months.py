"""Scoring's read side: the assessment as people read it — a month's table, a worker's ledger,
quarter and year results, the head's candidates.

Views are computed from the ledger, the counts and the closings each time they are asked for; the
same functions serve the API, the downloads and the replay check. Each takes an open session
(the API runs them inside ``runtime.db.snapshot()``).
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.config import RuleBook
from services.scoring.domain.candidates import STATE_LABELS
from services.scoring.domain.entries import LedgerEntry
from services.scoring.domain.grid_workers import grid_workers
from services.scoring.domain.monthly import MonthScore, Worker, month_scores, rank_awards
from services.scoring.domain.periods import (
    PeriodRow,
    award_excluded,
    months_of_quarter,
    months_of_year,
    quarter_results,
    year_results,
    year_to_quarter_end,
)
from services.scoring.domain.tasks import STATE_LABELS as TASK_STATES
from services.scoring.domain.tasks import state_of
from services.scoring.schemas import (
    CandidateView,
    EntryView,
    LedgerView,
    MonthCounts,
    MonthView,
    PeriodRowView,
    PeriodView,
    PlaceView,
    ScoreRow,
    TaskView,
    TaskWorkerView,
)
from services.scoring.store import (
    CandidateRepository,
    CandidateRow,
    ClosureRepository,
    CountRepository,
    LedgerRepository,
    TaskRepository,
    TaskRow,
)
from shared.clock import to_local
from shared.organisation import Organisation


def _score_row(s: MonthScore) -> ScoreRow:
    return ScoreRow(
        worker_id=s.worker.id,
        name=s.worker.name,
        department=s.worker.department,
        base=s.base,
        deductions=s.deductions,
        bonuses=s.bonuses,
        ranks={code: PlaceView(**p.__dict__) for code, p in s.places.items()},
        adjustments=s.adjustments,
        at_close=s.at_close,
        final=s.final,
        passed=s.passed,
        flags=list(s.flags),
    )


def entry_view(e: LedgerEntry, book: RuleBook, closed_at: datetime | None) -> EntryView:
    rule = book.rule(e.rule, e.month)
    return EntryView(
        entry_id=e.entry_id,
        worker_id=e.worker_id,
        month=e.month,
        rule=e.rule,
        label=rule.label if rule else e.rule,
        article=rule.article if rule else "",
        points=e.points,
        source=e.source,
        event_id=e.event_id,
        event_type=e.event_type,
        order_id=e.order_id,
        entered_by=e.by,
        reason=e.reason,
        evidence=e.evidence,
        flag=e.flag,
        corrects=e.corrects,
        occurred_at=e.occurred_at,
        adjustment=closed_at is not None and e.occurred_at > closed_at,
    )


async def _scores(
    session: AsyncSession, book: RuleBook, org: Organisation, month: str
) -> tuple[list[MonthScore], datetime | None, list[LedgerEntry]]:
    closure = await ClosureRepository(session).get(month)
    entries = await LedgerRepository(session).of_month(month)
    names = {w.id: w for w in grid_workers(org)}
    if closure is not None:
        # A closed month assesses the workers it was closed with, ranked on its frozen counts.
        workers = [names.get(w) or Worker(w, w, d) for w, d in sorted(closure.departments.items())]
        counts = closure.counts
    else:
        workers = list(names.values())
        counts = await CountRepository(session).for_month(month)
    awards = rank_awards(workers, counts, book)
    closed_at = closure.closed_at if closure else None
    return month_scores(month, workers, entries, awards, book, closed_at), closed_at, entries


async def month_view(
    session: AsyncSession, book: RuleBook, org: Organisation, month: str
) -> tuple[MonthView, list[EntryView]]:
    scores, closed_at, entries = await _scores(session, book, org, month)
    view = MonthView(
        month=month,
        closed=closed_at is not None,
        closed_at=closed_at,
        base=book.base,
        pass_line=book.pass_line,
        workers=[_score_row(s) for s in scores],
    )
    return view, [entry_view(e, book, closed_at) for e in entries]


async def ledger_view(
    session: AsyncSession, book: RuleBook, worker_id: str, month: str | None
) -> LedgerView:
    entries = await LedgerRepository(session).of_worker(worker_id, month)
    closures = await ClosureRepository(session).in_months(sorted({e.month for e in entries}))
    views = [
        entry_view(e, book, closures[e.month].closed_at if e.month in closures else None)
        for e in entries
    ]
    return LedgerView(
        worker_id=worker_id, month=month, entries=views, total=sum(e.points for e in entries)
    )


def _period_row(r: PeriodRow) -> PeriodRowView:
    return PeriodRowView(
        worker_id=r.worker.id,
        name=r.worker.name,
        department=r.worker.department,
        monthly=r.monthly,
        total=r.total,
        average=round(float(r.average), 2),
        place=r.place,
        star=r.star,
        best=r.best,
        award_excluded=r.award_excluded,
        unqualified=r.unqualified,
    )


async def _closed_scores(
    session: AsyncSession, book: RuleBook, org: Organisation, months: list[str]
) -> dict[str, list[MonthScore]]:
    closed = sorted(await ClosureRepository(session).in_months(months))
    return {m: (await _scores(session, book, org, m))[0] for m in closed}


async def quarter_view(
    session: AsyncSession, book: RuleBook, org: Organisation, quarter: str
) -> PeriodView:
    scores = await _closed_scores(session, book, org, months_of_quarter(quarter))
    # A complaint verified in any month of the year so far, closed or not, cancels the star.
    to_date = {m: (await _scores(session, book, org, m))[0] for m in year_to_quarter_end(quarter)}
    rows = quarter_results(quarter, scores, book, award_excluded(to_date, list(to_date)))
    return PeriodView(
        period=quarter, months_closed=list(scores), rows=[_period_row(r) for r in rows]
    )


async def year_view(
    session: AsyncSession, book: RuleBook, org: Organisation, year: str
) -> PeriodView:
    scores = await _closed_scores(session, book, org, months_of_year(year))
    rows = year_results(year, scores, book)
    return PeriodView(period=year, months_closed=list(scores), rows=[_period_row(r) for r in rows])


async def month_counts(session: AsyncSession, month: str) -> MonthCounts:
    return MonthCounts(month=month, workers=await CountRepository(session).for_month(month))


async def entry(session: AsyncSession, book: RuleBook, entry_id: str) -> EntryView:
    """An entry just written, as its writer is answered."""
    found = await LedgerRepository(session).get(entry_id)
    assert found is not None  # written in the unit of work that just committed
    return entry_view(found, book, None)


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


def _task_view(row: TaskRow, workers: dict[str, str], now: datetime) -> TaskView:
    state = state_of(row.deadline, row.done_at, now)
    return TaskView(
        task_id=row.task_id,
        title=row.title,
        done_when=row.done_when,
        deadline=to_local(row.deadline),
        assigned_by=row.assigned_by,
        assigned_at=to_local(row.assigned_at),
        workers=[TaskWorkerView(worker_id=w, name=workers.get(w, w)) for w in sorted(workers)],
        state=state,
        state_label=TASK_STATES[state],
        done_at=to_local(row.done_at) if row.done_at else None,
        done_by=row.done_by,
        note=row.note,
    )


async def tasks(
    session: AsyncSession,
    org: Organisation,
    seen: list[str] | None,
    now: datetime,
    page: tuple[int, int],
) -> list[TaskView]:
    """The tasks given to any of the workers in ``seen`` (None: all), latest deadline first."""
    repo = TaskRepository(session)
    rows = await repo.listed(seen, *page)
    workers = await repo.workers([r.task_id for r in rows])
    names = {w.id: w.name for w in grid_workers(org)}
    return [_task_view(r, {w: names.get(w, w) for w in workers[r.task_id]}, now) for r in rows]


async def task(session: AsyncSession, org: Organisation, task_id: str, now: datetime) -> TaskView:
    """A task just written, as its writer is answered."""
    repo = TaskRepository(session)
    row = await repo.get(task_id)
    assert row is not None  # written in the unit of work that just committed
    workers = (await repo.workers([task_id]))[task_id]
    names = {w.id: w.name for w in grid_workers(org)}
    return _task_view(row, {w: names.get(w, w) for w in workers}, now)
