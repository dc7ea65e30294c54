"""What ``/v1/sla/overview`` and ``/v1/sla/at-risk`` answer, assembled from the reports."""

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from services.sla.reports import (
    UNASSIGNED,
    Reports,
    local_day_start,
    local_month_start,
    percentiles,
)
from services.sla.store import DeadlineRow, ShareRow
from shared.clock import to_local

KIND_LABELS = {
    "acknowledge": "签收",
    "arrive": "到场",
    "resolve": "办结",
    "reply": "答复",
    "appointment": "预约",
    "promise": "承诺答复",
}


class Percentiles(BaseModel):
    count: int
    p50: float | None = Field(description="Seconds")
    p90: float | None
    p99: float | None


class Totals(BaseModel):
    open_orders: int
    unacknowledged: int
    at_risk: int
    breaches_today: int
    breaches_month: int


class DepartmentLine(BaseModel):
    department: str
    name: str
    open_orders: int
    unacknowledged: int
    breaches_today: int
    breaches_month: int
    resolved_month: int
    on_time_month: int
    on_time_rate: float | None = Field(description="按时办结率 this month, 0..1")


class CategoryLine(BaseModel):
    department: str
    category: str
    category_label: str
    resolved: int
    on_time: int
    on_time_rate: float


class Breach(BaseModel):
    order_id: str
    kind: str
    kind_label: str
    department: str
    assignee_id: str | None
    due: datetime
    due_local: str
    fired_at: datetime | None


class Overview(BaseModel):
    as_of: datetime
    open_deadlines: dict[str, int] = Field(description="Open deadlines by kind")
    fired_deadlines: dict[str, int] = Field(description="Fired deadlines by kind")
    totals: Totals
    open_orders: dict[str, dict[str, int]] = Field(description="state → department → count")
    departments: list[DepartmentLine]
    on_time_by_category: list[CategoryLine]
    time_to_acknowledge: Percentiles
    time_to_resolve: Percentiles
    recent_breaches: list[Breach]


class AtRisk(BaseModel):
    order_id: str
    kind: str
    kind_label: str
    department: str
    assignee_id: str | None
    category: str | None
    category_label: str | None
    due: datetime
    due_local: str
    seconds_left: int
    warned: bool
    policy_due: datetime | None = Field(description="What the SLA policy alone allows")
    platform_due: datetime | None = Field(description="The 12345 platform's own 办理时限")
    paused_seconds: int = Field(description="Time waited for the caller (fair clock)")


class AtRiskList(BaseModel):
    as_of: datetime
    items: list[AtRisk]


def _fmt(when: datetime) -> str:
    return to_local(when).strftime("%Y-%m-%d %H:%M")


def _rate(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


async def build_overview(
    reports: Reports, now: datetime, names: dict[str, str], risk_window: timedelta
) -> Overview:
    open_orders: dict[str, dict[str, int]] = {}
    per_dept_open: dict[str, int] = {}
    per_dept_unack: dict[str, int] = {}
    for state, dept, n in await reports.open_orders():
        open_orders.setdefault(state, {})[dept] = n
        per_dept_open[dept] = per_dept_open.get(dept, 0) + n
        if state == "dispatched":
            per_dept_unack[dept] = per_dept_unack.get(dept, 0) + n
    today = await reports.breaches_since(local_day_start(now))
    month_start = local_month_start(now)
    month = await reports.breaches_since(month_start)
    categories = await reports.on_time(month_start)
    resolved: dict[str, tuple[int, int]] = {}
    for dept, _c, _l, n, ok in categories:
        seen = resolved.get(dept, (0, 0))
        resolved[dept] = (seen[0] + n, seen[1] + ok)
    to_ack, to_resolve = await reports.durations(month_start)
    at_risk = await reports.at_risk(now, risk_window, 10_000)
    departments = sorted(
        set(per_dept_open) | set(month) | set(resolved) | set(reports_scope(reports, names))
    )
    return Overview(
        as_of=now,
        open_deadlines=await reports.deadline_counts("open"),
        fired_deadlines=await reports.deadline_counts("fired"),
        totals=Totals(
            open_orders=sum(per_dept_open.values()),
            unacknowledged=sum(per_dept_unack.values()),
            at_risk=len({r.order_id for r in at_risk}),
            breaches_today=sum(today.values()),
            breaches_month=sum(month.values()),
        ),
        open_orders=open_orders,
        departments=[
            DepartmentLine(
                department=d,
                name=names.get(d, "未分派" if d == UNASSIGNED else d),
                open_orders=per_dept_open.get(d, 0),
                unacknowledged=per_dept_unack.get(d, 0),
                breaches_today=today.get(d, 0),
                breaches_month=month.get(d, 0),
                resolved_month=resolved.get(d, (0, 0))[0],
                on_time_month=resolved.get(d, (0, 0))[1],
                on_time_rate=_rate(resolved.get(d, (0, 0))[1], resolved.get(d, (0, 0))[0]),
            )
            for d in departments
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
        recent_breaches=[
            Breach(
                order_id=r.order_id,
                kind=r.kind,
                kind_label=KIND_LABELS.get(r.kind, r.kind),
                department=r.department or UNASSIGNED,
                assignee_id=r.assignee_id,
                due=r.due_at,
                due_local=_fmt(r.due_at),
                fired_at=r.fired_at,
            )
            for r in await reports.recent_breaches()
        ],
    )


def reports_scope(reports: Reports, names: dict[str, str]) -> list[str]:
    """Every department is listed (a quiet one shows zeros), or only the caller's own."""
    if reports.scope.department is not None:
        return [reports.scope.department]
    return list(names)


async def build_at_risk(
    reports: Reports, now: datetime, within: timedelta, limit: int
) -> AtRiskList:
    rows = await reports.at_risk(now, within, limit)
    orders = await reports.orders_by_id({r.order_id for r in rows})
    items = []
    for r in rows:
        order = orders.get(r.order_id)
        items.append(
            AtRisk(
                order_id=r.order_id,
                kind=r.kind,
                kind_label=KIND_LABELS.get(r.kind, r.kind),
                department=r.department or UNASSIGNED,
                assignee_id=r.assignee_id,
                category=order.category if order else None,
                category_label=order.category_label if order else None,
                due=r.due_at,
                due_local=_fmt(r.due_at),
                seconds_left=int((r.due_at - now).total_seconds()),
                warned=r.warned,
                policy_due=r.policy_due,
                platform_due=r.platform_due,
                paused_seconds=r.paused_seconds,
            )
        )
    return AtRiskList(as_of=now, items=items)


class DeadlineView(BaseModel):
    kind: str
    kind_label: str
    purpose: str = Field(description="card: yellow/red card; chain: AckOverdue; appointment")
    state: str
    department: str | None
    assignee_id: str | None
    clock: str
    started_at: datetime | None
    due: datetime
    policy_due: datetime | None
    platform_due: datetime | None
    warn_at: datetime | None
    warned: bool
    paused_seconds: int
    fired_at: datetime | None


class ShareView(BaseModel):
    department: str
    started_at: datetime
    ended_at: datetime | None
    held_seconds: int = Field(description="This department's own share of the order's time")
    outcome: str | None


class OrderClocks(BaseModel):
    order_id: str
    state: str | None
    deadlines: list[DeadlineView]
    departments: list[ShareView]


def order_clocks(
    order_id: str,
    state: str | None,
    rows: list[DeadlineRow],
    shares: list[ShareRow],
    now: datetime,
) -> OrderClocks:
    return OrderClocks(
        order_id=order_id,
        state=state,
        deadlines=[
            DeadlineView(
                kind=r.kind,
                kind_label=KIND_LABELS.get(r.kind, r.kind),
                purpose=r.purpose,
                state=r.state,
                department=r.department,
                assignee_id=r.assignee_id,
                clock=r.clock,
                started_at=r.started_at,
                due=r.due_at,
                policy_due=r.policy_due,
                platform_due=r.platform_due,
                warn_at=r.warn_at,
                warned=r.warned,
                paused_seconds=r.paused_seconds,
                fired_at=r.fired_at,
            )
            for r in rows
        ],
        departments=[
            ShareView(
                department=s.department,
                started_at=s.started_at,
                ended_at=s.ended_at,
                held_seconds=int(((s.ended_at or now) - s.started_at).total_seconds()),
                outcome=s.outcome,
            )
            for s in shares
        ],
    )
