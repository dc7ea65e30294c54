"""The numbers the service is run by, pure: percentiles, rates and per-department tallies of
what the queries counted."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

UNASSIGNED = "UNASSIGNED"

OnTimeLine = tuple[str, str, str, int, int]
"""(department, category, label, resolved, on time) of orders resolved in a period."""


def dept_label(department: str | None) -> str:
    return department or UNASSIGNED


def percentiles(values: list[float], points: tuple[int, ...] = (50, 90, 99)) -> dict[str, Any]:
    """Nearest-rank percentiles (seconds); ``None`` when nothing was measured."""
    ordered = sorted(values)
    out: dict[str, Any] = {"count": len(ordered)}
    for p in points:
        if not ordered:
            out[f"p{p}"] = None
            continue
        rank = max(1, -(-p * len(ordered) // 100))  # ceil(p/100 * n)
        out[f"p{p}"] = round(ordered[rank - 1], 1)
    return out


def rate(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


def resolved_per_department(lines: Iterable[OnTimeLine]) -> dict[str, tuple[int, int]]:
    """(resolved, on time) per department, summed over its categories."""
    per_department: dict[str, tuple[int, int]] = {}
    for department, _category, _label, n, ok in lines:
        seen = per_department.get(department, (0, 0))
        per_department[department] = (seen[0] + n, seen[1] + ok)
    return per_department


@dataclass
class OpenOrders:
    """Open orders by state and department, and per department (all, and not yet signed for)."""

    by_state: dict[str, dict[str, int]] = field(default_factory=dict)
    per_department: dict[str, int] = field(default_factory=dict)
    unacknowledged: dict[str, int] = field(default_factory=dict)

    @classmethod
    def tally(cls, lines: Iterable[tuple[str, str, int]]) -> "OpenOrders":
        """From (state, department, count) lines."""
        out = cls()
        for state, department, n in lines:
            out.by_state.setdefault(state, {})[department] = n
            out.per_department[department] = out.per_department.get(department, 0) + n
            if state == "dispatched":
                out.unacknowledged[department] = out.unacknowledged.get(department, 0) + n
        return out
