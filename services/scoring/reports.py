"""The assessment as people read it: a month's table, a worker's ledger, quarter and year results.

Views are computed from the ledger, the counts and the closings each time they are asked for; the
same functions serve the API, the downloads and the replay check.
"""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.domain.entries import LedgerEntry
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
from services.scoring.rules import RuleBook
from services.scoring.store import ClosureRepository, CountRepository, LedgerRepository
from services.scoring.workers import grid_workers
from shared.clock import to_local
from shared.organisation import Organisation


class PlaceView(BaseModel):
    count: int
    place: int | None
    points: int


class ScoreRow(BaseModel):
    worker_id: str
    name: str
    department: str
    base: int
    deductions: int
    bonuses: int
    ranks: dict[str, PlaceView]
    adjustments: int
    at_close: int | None
    final: int
    passed: bool
    flags: list[str]


class MonthView(BaseModel):
    month: str
    closed: bool
    closed_at: datetime | None
    base: int
    pass_line: int
    workers: list[ScoreRow]


class EntryView(BaseModel):
    entry_id: str
    worker_id: str
    month: str
    rule: str
    label: str
    article: str
    points: int
    source: str
    event_id: str | None
    event_type: str | None
    order_id: str | None
    entered_by: str | None
    reason: str
    evidence: str | None
    flag: str | None
    corrects: str | None
    occurred_at: datetime
    adjustment: bool


class LedgerView(BaseModel):
    worker_id: str
    month: str | None
    entries: list[EntryView]
    total: int


class PeriodRowView(BaseModel):
    worker_id: str
    name: str
    department: str
    monthly: dict[str, int]
    total: int
    average: float
    place: int | None
    star: bool
    best: bool
    award_excluded: bool
    unqualified: bool


class PeriodView(BaseModel):
    period: str
    months_closed: list[str]
    rows: list[PeriodRowView]


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


def local_text(when: datetime | None) -> str:
    return f"{to_local(when):%Y-%m-%d %H:%M}" if when else ""
