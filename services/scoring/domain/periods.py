"""Quarterly star grid workers, the best grid worker of the year, and the unqualified.

Only closed months count: a month's score is final once the month is frozen.
Stars: the configured number of workers with the best quarter (average or total of their monthly
scores); workers tied with the last star are stars too. A verified complaint cancels every award
of its year (18(一)5 取消全年评优资格): a worker with one in any month of the year up to the
quarter's end is no star of that quarter, nor of any later quarter of the year, and does not
take a star's place (a star given for an earlier quarter stands: it was earned before).
Best of the year: highest average monthly score among workers without a verified complaint that
year (ties: all of them). Unqualified: average monthly score below the pass line ("yearly"), or
any month below it ("monthly").
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.scoring.domain.monthly import MonthScore, Worker
from services.scoring.domain.rulebook import NO_ANNUAL_AWARD, RuleBook

ScoresByMonth = Mapping[str, Sequence[MonthScore]]


def quarter_of(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}-Q{(int(mon) - 1) // 3 + 1}"


def months_of_quarter(quarter: str) -> list[str]:
    year, q = quarter.split("-Q")
    first = (int(q) - 1) * 3 + 1
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def months_of_year(year: str) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


@dataclass(frozen=True)
class PeriodRow:
    worker: Worker
    monthly: dict[str, int]
    total: int
    average: Fraction
    star: bool = False
    place: int | None = None
    best: bool = False
    award_excluded: bool = False
    unqualified: bool = False


def _collect(
    months: Sequence[str], scores: ScoresByMonth
) -> dict[str, tuple[Worker, dict[str, int]]]:
    rows: dict[str, tuple[Worker, dict[str, int]]] = {}
    for month in months:
        for s in scores.get(month, ()):
            rows.setdefault(s.worker.id, (s.worker, {}))[1][month] = s.final
    return rows


def _average(monthly: Mapping[str, int]) -> Fraction:
    return Fraction(sum(monthly.values()), len(monthly)) if monthly else Fraction(0)


def award_excluded(scores: ScoresByMonth, months: Sequence[str]) -> frozenset[str]:
    """Workers with a verified complaint (no annual award) in any of ``months``."""
    return frozenset(
        s.worker.id for m in months for s in scores.get(m, ()) if NO_ANNUAL_AWARD in s.flags
    )


def year_to_quarter_end(quarter: str) -> list[str]:
    """The months of the quarter's year up to its last month: where a complaint cancels it."""
    last = months_of_quarter(quarter)[-1]
    return [m for m in months_of_year(quarter.split("-Q")[0]) if m <= last]


def quarter_results(
    quarter: str,
    scores: ScoresByMonth,
    book: RuleBook,
    excluded: frozenset[str] | None = None,
) -> list[PeriodRow]:
    """``excluded``: workers without award eligibility this year; by default those flagged in
    ``scores`` for the year's months up to the quarter's end."""
    if excluded is None:
        excluded = award_excluded(scores, year_to_quarter_end(quarter))
    rows = [
        PeriodRow(
            worker=w,
            monthly=m,
            total=sum(m.values()),
            average=_average(m),
            award_excluded=w.id in excluded,
        )
        for w, m in _collect(months_of_quarter(quarter), scores).values()
    ]

    def key(r: PeriodRow) -> Fraction:
        return r.average if book.quarterly_stars.criterion == "average" else Fraction(r.total)

    ordered = sorted(rows, key=lambda r: (r.award_excluded, -key(r), r.worker.id))
    result = []
    place = 0
    previous: Fraction | None = None
    for index, row in enumerate(ordered):
        if row.award_excluded:
            result.append(row)  # ranked nowhere: no star, no place taken from another
            continue
        if key(row) != previous:
            place, previous = index + 1, key(row)
        star = place <= book.quarterly_stars.count
        result.append(PeriodRow(**{**row.__dict__, "place": place, "star": star}))
    return result


def year_results(year: str, scores: ScoresByMonth, book: RuleBook) -> list[PeriodRow]:
    months = months_of_year(year)
    excluded = award_excluded(scores, months)
    rows = []
    for w, monthly in _collect(months, scores).values():
        average = _average(monthly)
        if book.unqualified.judged == "yearly":
            unqualified = average < book.pass_line
        else:
            unqualified = any(v < book.pass_line for v in monthly.values())
        rows.append(
            PeriodRow(
                worker=w,
                monthly=monthly,
                total=sum(monthly.values()),
                average=average,
                award_excluded=w.id in excluded,
                unqualified=unqualified,
            )
        )
    eligible = [r.average for r in rows if not r.award_excluded]
    top = max(eligible) if eligible else None
    ordered = sorted(rows, key=lambda r: (-r.average, r.worker.id))
    return [
        PeriodRow(**{**r.__dict__, "best": not r.award_excluded and r.average == top})
        for r in ordered
    ]
