"""A worker's month: base, deductions, bonuses, places, final score, flags; and its closing.

Before closing, places and their points are provisional (from the live counts). Closing writes the
places' points into the ledger from a snapshot of the counts; from then on the month is frozen and
every later entry (occurred after the closing) is an adjustment, shown as such.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.scoring.domain.entries import LedgerEntry, entry_id_for
from services.scoring.domain.ranking import Place, places
from services.scoring.domain.rulebook import RuleBook

Counts = Mapping[str, Mapping[str, int]]
"""worker → counter → count"""


@dataclass(frozen=True)
class Worker:
    id: str
    name: str
    department: str


@dataclass(frozen=True)
class MonthScore:
    worker: Worker
    month: str
    base: int
    deductions: int
    bonuses: int
    places: dict[str, Place]
    final: int
    passed: bool
    closed: bool
    at_close: int | None = None
    adjustments: int = 0
    flags: tuple[str, ...] = field(default=())


def rank_awards(
    workers: Sequence[Worker], counts: Counts, book: RuleBook
) -> dict[str, dict[str, Place]]:
    """worker → ranking rule → place, over each department (or the company, by configuration)."""
    groups: dict[str, list[Worker]] = {}
    for w in workers:
        groups.setdefault(w.department if book.ranking.scope == "department" else "*", []).append(w)
    result: dict[str, dict[str, Place]] = {w.id: {} for w in workers}
    for members in groups.values():
        for code, counter in book.ranking.counts.items():
            of_count = {w.id: counts.get(w.id, {}).get(counter, 0) for w in members}
            for worker_id, place in places(
                of_count, book.ranking.points, book.ranking.ties, book.ranking.minimum_count
            ).items():
                result[worker_id][code] = place
    return result


def closing_entries(
    month: str,
    closing_event_id: str,
    closed_at: datetime,
    awards: Mapping[str, Mapping[str, Place]],
    book: RuleBook,
    by: str,
) -> list[LedgerEntry]:
    """The places' points, written to the ledger when the month closes."""
    entries = []
    for worker_id in sorted(awards):
        for code, place in awards[worker_id].items():
            if place.points == 0 or place.place is None:
                continue
            entries.append(
                LedgerEntry(
                    entry_id=entry_id_for(closing_event_id, code, worker_id),
                    worker_id=worker_id,
                    month=month,
                    rule=code,
                    points=place.points,
                    source="closing",
                    reason=f"{book.rank_label(code, month)}第{place.place}名（{place.count}）",
                    occurred_at=closed_at,
                    event_id=closing_event_id,
                    event_type="MonthClosed",
                    by=by,
                )
            )
    return entries


def _is_deduction(entry: LedgerEntry, book: RuleBook) -> bool:
    # A correction keeps its rule's side: reversing a −2 lowers the deductions, not a bonus.
    rule = book.rule(entry.rule, entry.month)
    return rule.points < 0 if rule is not None else entry.points < 0


def month_scores(
    month: str,
    workers: Sequence[Worker],
    entries: Sequence[LedgerEntry],
    awards: Mapping[str, Mapping[str, Place]],
    book: RuleBook,
    closed_at: datetime | None = None,
) -> list[MonthScore]:
    """Every worker's score for the month; workers with nothing at all keep the base."""
    corrected = {e.corrects for e in entries if e.corrects}
    by_worker: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        by_worker.setdefault(e.worker_id, []).append(e)
    scores = []
    for w in workers:
        mine = by_worker.get(w.id, [])
        worker_places = dict(awards.get(w.id, {}))
        if closed_at is None:
            rank_points = sum(p.points for p in worker_places.values())
        else:
            rank_points = sum(e.points for e in mine if e.source == "closing")
        others = [e for e in mine if e.source != "closing"]
        deductions = sum(e.points for e in others if _is_deduction(e, book))
        bonuses = sum(e.points for e in others if not _is_deduction(e, book)) + rank_points
        final = book.base + deductions + bonuses
        adjustments = (
            sum(e.points for e in mine if e.occurred_at > closed_at) if closed_at is not None else 0
        )
        flags = tuple(sorted({e.flag for e in mine if e.flag and e.entry_id not in corrected}))
        scores.append(
            MonthScore(
                worker=w,
                month=month,
                base=book.base,
                deductions=deductions,
                bonuses=bonuses,
                places=worker_places,
                final=final,
                passed=final >= book.pass_line,
                closed=closed_at is not None,
                at_close=final - adjustments if closed_at is not None else None,
                adjustments=adjustments,
                flags=flags,
            )
        )
    return scores
