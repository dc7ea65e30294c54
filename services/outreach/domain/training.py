"""Training counts, pure (Art. 6: each head trains the grid workers at least 4 times a year)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Attendance:
    worker_id: str
    held_on: date


@dataclass(frozen=True)
class WorkerCount:
    worker_id: str
    count: int
    short_by: int
    months_left: int
    """Months left in the year to catch up in, ``today``'s month included (1 in December)."""


def counts_for_year(
    workers: Iterable[str], attended: Iterable[Attendance], year: int, today: date, required: int
) -> list[WorkerCount]:
    """Every worker (attended or not) with their count for ``year``; short of ``required``."""
    tally: dict[str, int] = {}
    for a in attended:
        if a.held_on.year == year:
            tally[a.worker_id] = tally.get(a.worker_id, 0) + 1
    months_left = _months_left(year, today)
    return [
        WorkerCount(w, tally.get(w, 0), max(0, required - tally.get(w, 0)), months_left)
        for w in workers
    ]


def _months_left(year: int, today: date) -> int:
    if today.year > year:
        return 0
    return 13 - today.month if today.year == year else 12


def short(counts: Iterable[WorkerCount]) -> list[WorkerCount]:
    return [c for c in counts if c.short_by > 0]
