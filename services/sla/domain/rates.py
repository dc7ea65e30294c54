"""The month's rates, pure: 按时办结率, 满意率, 解决率, 重办率 and the 催办 and 督办 counts of a
department or grid, tallied from counted facts (definitions: docs/sla.md, "Rates")."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeVar

from services.sla.domain.numbers import dept_label, rate
from shared.clock import LOCAL_TZ

SATISFIED = ("满意", "基本满意")
REACHED = ("满意", "基本满意", "不满意")  # a callback that reached the caller
K = TypeVar("K")


@dataclass(frozen=True)
class Fact:
    """``n`` facts of one kind and outcome (see ``store.rates``)."""

    fact: str
    on_time: bool | None
    satisfaction: str | None
    solved: bool | None
    n: int


class Located(NamedTuple):
    """Facts counted to a department and grid (the order's holders when they happened)."""

    department: str | None
    grid: str | None
    fact: Fact


@dataclass
class Tally:
    resolved: int = 0
    on_time: int = 0
    callbacks: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    solved: int = 0
    reopened: int = 0
    urges: int = 0
    supervisions: int = 0

    def add(self, f: Fact) -> None:
        if f.fact == "resolved":
            self.resolved += f.n
            self.on_time += f.n if f.on_time else 0
        elif f.fact == "callback" and f.satisfaction in REACHED:
            self.callbacks += f.n
            self.satisfied += f.n if f.satisfaction == "满意" else 0
            self.basically_satisfied += f.n if f.satisfaction == "基本满意" else 0
            self.dissatisfied += f.n if f.satisfaction == "不满意" else 0
            self.solved += f.n if f.solved else 0
        elif f.fact == "reopened":
            self.reopened += f.n
        elif f.fact == "urged":
            self.urges += f.n
        elif f.fact == "supervised":
            self.supervisions += f.n

    def merge(self, other: "Tally") -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied + self.basically_satisfied, self.callbacks)

    @property
    def solved_rate(self) -> float | None:
        return rate(self.solved, self.callbacks)

    @property
    def redo_rate(self) -> float | None:
        return rate(self.reopened, self.resolved)


def tally(facts: Iterable[tuple[K, Fact]]) -> dict[K, Tally]:
    """One tally per key (a department, or a department's grid)."""
    out: dict[K, Tally] = {}
    for key, f in facts:
        out.setdefault(key, Tally()).add(f)
    return out


def by_department(counts: Iterable[Located]) -> dict[str, Tally]:
    return tally((dept_label(c.department), c.fact) for c in counts)


def by_grid(counts: Iterable[Located]) -> dict[tuple[str, str], Tally]:
    """Per (department, grid); facts of an order no grid held count to its department only."""
    return tally(((dept_label(c.department), c.grid), c.fact) for c in counts if c.grid)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``YYYY-MM``'s first instant and the next month's, in Beijing time."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start, end


def month_of(now: datetime) -> str:
    return now.astimezone(LOCAL_TZ).strftime("%Y-%m")
