"""The SLA service's read side: the answers of ``/v1/sla/overview``, ``/v1/sla/at-risk`` and
``/v1/sla/orders/{id}``, made from the named reads of ``store/reads.py`` (``Scope``,
``SlaQueries``: plain rows, which the gauges read too)."""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain.calendar import local_day_start, local_month_start
from services.sla.domain.numbers import (
    UNASSIGNED,
    OpenOrders,
    percentiles,
    rate,
    resolved_per_department,
)
from services.sla.schemas import (
    AtRisk,
    AtRiskList,
    Breach,
    CategoryLine,
    DeadlineView,
    DepartmentLine,
    OrderClocks,
    Overview,
    Percentiles,
    ShareView,
    Totals,
)
from services.sla.store import (
    DeadlineRepository,
    OrderRepository,
    ShareRepository,
)
from services.sla.store.reads import Scope as Scope
from services.sla.store.reads import SlaQueries as SlaQueries


async def overview(
    q: SlaQueries, now: datetime, names: dict[str, str], risk_window: timedelta
) -> Overview:
    """Today's and this month's numbers, per department and category."""
    open_orders = OpenOrders.tally(await q.open_orders())
    today = await q.breaches_since(local_day_start(now))
    month_start = local_month_start(now)
    month = await q.breaches_since(month_start)
    categories = await q.on_time(month_start)
    resolved = resolved_per_department(categories)
    to_ack, to_resolve = await q.durations(month_start)
    at_risk = await q.at_risk(now, risk_window, 10_000)
    listed = set(open_orders.per_department) | set(month) | set(resolved)
    return Overview(
        as_of=now,
        open_deadlines=await q.deadline_counts("open"),
        fired_deadlines=await q.deadline_counts("fired"),
        totals=Totals(
            open_orders=sum(open_orders.per_department.values()),
            unacknowledged=sum(open_orders.unacknowledged.values()),
            at_risk=len({r.order_id for r in at_risk}),
            breaches_today=sum(today.values()),
            breaches_month=sum(month.values()),
        ),
        open_orders=open_orders.by_state,
        departments=[
            _department_line(d, names, open_orders, today, month, resolved)
            for d in sorted(listed | set(_every_department(q.scope, names)))
        ],
        on_time_by_category=[
            CategoryLine(
                department=d,
                category=c,
                category_label=label,
                resolved=n,
                on_time=ok,
                on_time_rate=ok / n,
            )
            for d, c, label, n, ok in sorted(categories)
        ],
        time_to_acknowledge=Percentiles(**percentiles(to_ack)),
        time_to_resolve=Percentiles(**percentiles(to_resolve)),
        recent_breaches=[Breach.of(r) for r in await q.recent_breaches()],
    )


def _every_department(scope: Scope, names: dict[str, str]) -> list[str]:
    """Every department is listed (a quiet one shows zeros), or only the caller's own."""
    if scope.department is not None:
        return [scope.department]
    return list(names)


def _department_line(
    d: str,
    names: dict[str, str],
    open_orders: OpenOrders,
    today: dict[str, int],
    month: dict[str, int],
    resolved: dict[str, tuple[int, int]],
) -> DepartmentLine:
    n, ok = resolved.get(d, (0, 0))
    return DepartmentLine(
        department=d,
        name=names.get(d, "未分派" if d == UNASSIGNED else d),
        open_orders=open_orders.per_department.get(d, 0),
        unacknowledged=open_orders.unacknowledged.get(d, 0),
        breaches_today=today.get(d, 0),
        breaches_month=month.get(d, 0),
        resolved_month=n,
        on_time_month=ok,
        on_time_rate=rate(ok, n),
    )


async def at_risk(q: SlaQueries, now: datetime, within: timedelta, limit: int) -> AtRiskList:
    """Open card deadlines due within ``within``, soonest first, with the time left."""
    rows = await q.at_risk(now, within, limit)
    orders = await q.orders_by_id({r.order_id for r in rows})
    return AtRiskList(as_of=now, items=[AtRisk.of(r, orders.get(r.order_id), now) for r in rows])


async def order_deadlines(
    session: AsyncSession, scope: Scope, order_id: str, now: datetime
) -> OrderClocks | None:
    """An order's deadlines and each department's share of its time; None when the order is
    unknown, or the scope's department never held it."""
    held = await OrderRepository(session).get(order_id)
    rows = await DeadlineRepository(session).all_of(order_id)
    shares = await ShareRepository(session).of_order(order_id)
    visible = scope.department is None or any(s.department == scope.department for s in shares)
    if (held is None and not rows) or not visible:
        return None
    return OrderClocks(
        order_id=order_id,
        state=held.state if held else None,
        deadlines=[DeadlineView.of(r) for r in rows],
        departments=[ShareView.of(s, now) for s in shares],
    )
