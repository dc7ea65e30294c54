"""A month's table, quarter and year results, and the raw counts."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.config import RuleBook
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
from services.scoring.domain.ranking import Place
from services.scoring.queries.entries import entry_view
from services.scoring.schemas import (
    EntryView,
    MonthCounts,
    MonthView,
    PeriodRowView,
    PeriodView,
    PlaceView,
    ScoreRow,
)
from services.scoring.store import Closure, ClosureRepository, CountRepository, LedgerRepository
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


async def month_awards(
    session: AsyncSession, book: RuleBook, org: Organisation, month: str
) -> tuple[list[Worker], dict[str, dict[str, Place]], Closure | None]:
    """The month's assessed workers and their places: a closed month's from its frozen counts and
    the workers it was closed with, an open month's (provisional) from the live counts."""
    closure = await ClosureRepository(session).get(month)
    names = {w.id: w for w in grid_workers(org)}
    if closure is not None:
        workers = [names.get(w) or Worker(w, w, d) for w, d in sorted(closure.departments.items())]
        counts = closure.counts
    else:
        workers = list(names.values())
        counts = await CountRepository(session).for_month(month)
    return workers, rank_awards(workers, counts, book), closure


async def _scores(
    session: AsyncSession, book: RuleBook, org: Organisation, month: str
) -> tuple[list[MonthScore], datetime | None, list[LedgerEntry]]:
    workers, awards, closure = await month_awards(session, book, org, month)
    entries = await LedgerRepository(session).of_month(month)
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
    names = {p.id: p.name for p in org.people}
    return view, [entry_view(e, book, closed_at, names) for e in entries]


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
