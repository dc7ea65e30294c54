"""The SLA service's read side: named read-only queries over its tables, and the answers of
``/v1/sla/overview``, ``/v1/sla/at-risk`` and ``/v1/sla/orders/{id}`` made from them.

A department's people see their own department only (``Scope`` narrows every query)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain.calendar import local_day_start, local_month_start
from services.sla.domain.numbers import (
    UNASSIGNED,
    OnTimeLine,
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
    CARD,
    FIRED,
    OPEN,
    DeadlineRepository,
    DeadlineRow,
    OrderRepository,
    OrderRow,
    ShareRepository,
)

Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Scope:
    department: str | None = None

    def deadlines(self, query: Q) -> Q:
        if self.department is None:
            return query
        return query.where(DeadlineRow.department == self.department)

    def orders(self, query: Q) -> Q:
        if self.department is None:
            return query
        return query.where(OrderRow.department == self.department)


class SlaQueries:
    """The named queries, narrowed to one scope."""

    def __init__(self, session: AsyncSession, scope: Scope) -> None:
        self.session = session
        self.scope = scope

    async def deadline_counts(self, state: str) -> dict[str, int]:
        query = self.scope.deadlines(
            select(DeadlineRow.kind, func.count())
            .where(DeadlineRow.state == state)
            .group_by(DeadlineRow.kind)
        )
        return {kind: n for kind, n in (await self.session.execute(query)).all()}

    async def open_orders(self) -> list[tuple[str, str, int]]:
        """(state, department, count) of orders not yet resolved."""
        query = self.scope.orders(
            select(OrderRow.state, OrderRow.department, func.count())
            .where(OrderRow.state != "resolved")
            .group_by(OrderRow.state, OrderRow.department)
        )
        return [(s, d or UNASSIGNED, n) for s, d, n in (await self.session.execute(query)).all()]

    async def breaches_since(self, since: datetime) -> dict[str, int]:
        """Red cards by department since a time."""
        query = self.scope.deadlines(
            select(DeadlineRow.department, func.count())
            .where(
                DeadlineRow.purpose == CARD,
                DeadlineRow.state == FIRED,
                DeadlineRow.fired_at >= since,
            )
            .group_by(DeadlineRow.department)
        )
        return {d or UNASSIGNED: n for d, n in (await self.session.execute(query)).all()}

    async def recent_breaches(self, limit: int = 20) -> list[DeadlineRow]:
        query = self.scope.deadlines(
            select(DeadlineRow)
            .where(DeadlineRow.purpose == CARD, DeadlineRow.state == FIRED)
            .order_by(DeadlineRow.fired_at.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def on_time(self, since: datetime) -> list[OnTimeLine]:
        """(department, category, label, resolved, on time) of orders resolved since a time."""
        on_time = func.sum(case((OrderRow.on_time.is_(True), 1), else_=0))
        query = self.scope.orders(
            select(
                OrderRow.department,
                OrderRow.category,
                func.max(OrderRow.category_label),
                func.count(),
                on_time,
            )
            .where(OrderRow.resolved_at >= since, OrderRow.on_time.is_not(None))
            .group_by(OrderRow.department, OrderRow.category)
        )
        return [
            (d or UNASSIGNED, c, label or c, n, int(ok or 0))
            for d, c, label, n, ok in (await self.session.execute(query)).all()
        ]

    async def durations(self, since: datetime) -> tuple[list[float], list[float]]:
        """Seconds from receipt to sign-for, and to resolution, of orders received since."""
        query = self.scope.orders(
            select(OrderRow.received_at, OrderRow.acknowledged_at, OrderRow.resolved_at).where(
                OrderRow.received_at >= since
            )
        )
        to_ack: list[float] = []
        to_resolve: list[float] = []
        for received, acked, resolved in (await self.session.execute(query)).all():
            if acked is not None:
                to_ack.append((acked - received).total_seconds())
            if resolved is not None:
                to_resolve.append((resolved - received).total_seconds())
        return to_ack, to_resolve

    async def at_risk(self, now: datetime, within: timedelta, limit: int) -> list[DeadlineRow]:
        """Open card deadlines due within ``within``, soonest first."""
        query = self.scope.deadlines(
            select(DeadlineRow)
            .where(
                DeadlineRow.state == OPEN,
                DeadlineRow.purpose == CARD,
                DeadlineRow.due_at <= now + within,
            )
            .order_by(DeadlineRow.due_at)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def orders_by_id(self, order_ids: set[str]) -> dict[str, OrderRow]:
        if not order_ids:
            return {}
        rows = await self.session.scalars(select(OrderRow).where(OrderRow.order_id.in_(order_ids)))
        return {r.order_id: r for r in rows}

    async def overdue_open(self, now: datetime, grace: timedelta) -> int:
        query = select(func.count()).where(
            DeadlineRow.state == OPEN, DeadlineRow.next_at <= now - grace
        )
        return int(await self.session.scalar(query) or 0)


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
