"""The month's rates (``/v1/sla/rates``): 按时办结率, 满意率, 解决率, 重办率, 催办 and 督办 per
department and per grid, counted from the facts ``handlers.rates`` stored."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain.numbers import UNASSIGNED
from services.sla.domain.rates import Tally, by_department, by_grid, month_bounds
from services.sla.queries import Scope
from services.sla.schemas import RateLine, Rates
from services.sla.store import RateRepository

TOTAL = "ALL"


async def month_tallies(
    session: AsyncSession, scope: Scope, month: str
) -> tuple[dict[str, Tally], dict[tuple[str, str], Tally]]:
    """The month's tallies per department and per (department, grid)."""
    start, end = month_bounds(month)
    counts = await RateRepository(session).counts(start, end, scope.department)
    return by_department(counts), by_grid(counts)


async def month_rates(
    session: AsyncSession, scope: Scope, month: str, names: dict[str, str], now: datetime
) -> Rates:
    departments, grids = await month_tallies(session, scope, month)
    # Every department is listed (a quiet one shows zeros), or only the caller's own.
    every = [scope.department] if scope.department is not None else list(names)
    total = Tally()
    for t in departments.values():
        total.merge(t)
    return Rates(
        month=month,
        as_of=now,
        total=_line(TOTAL, "全部", None, total),
        departments=[
            _line(d, _name(d, names), None, departments.get(d, Tally()))
            for d in sorted(set(departments) | set(every))
        ],
        grids=[_line(d, _name(d, names), g, t) for (d, g), t in sorted(grids.items())],
    )


def _name(department: str, names: dict[str, str]) -> str:
    return names.get(department, "未分派" if department == UNASSIGNED else department)


def _line(department: str, name: str, grid: str | None, t: Tally) -> RateLine:
    return RateLine(
        department=department,
        name=name,
        grid=grid,
        resolved=t.resolved,
        on_time=t.on_time,
        on_time_rate=t.on_time_rate,
        callbacks=t.callbacks,
        satisfied=t.satisfied,
        basically_satisfied=t.basically_satisfied,
        dissatisfied=t.dissatisfied,
        satisfaction_rate=t.satisfaction_rate,
        solved=t.solved,
        solved_rate=t.solved_rate,
        reopened=t.reopened,
        redo_rate=t.redo_rate,
        urges=t.urges,
        supervisions=t.supervisions,
    )
