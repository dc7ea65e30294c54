"""The SLA service's Prometheus metrics. Labels are bounded sets (deadline kind, event type,
department code, order state): never an order id or a person.

The gauges are state, not events: ``recount`` sets them from the database, so every replica
reports the same numbers (alert rules take ``max`` across replicas)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain.calendar import local_month_start
from services.sla.domain.numbers import resolved_per_department
from services.sla.domain.rates import Tally, by_department, month_bounds, month_of
from services.sla.store import RateRepository
from services.sla.store.reads import Scope, SlaQueries

FIRED = Counter(
    "gridline_sla_deadlines_fired_total",
    "Deadline actions taken by the poller, by the event emitted",
    ["event", "kind"],
)
BREACHES = Counter(
    "gridline_sla_breaches_total", "Red cards (SlaBreached) emitted", ["kind", "department"]
)
WARNINGS = Counter("gridline_sla_warnings_total", "Yellow cards (SlaWarning) emitted", ["kind"])
RESOLVED = Counter(
    "gridline_sla_orders_resolved_total",
    "Orders resolved, on time or not",
    ["department", "on_time"],
)
LATENESS = Histogram(
    "gridline_sla_fire_lateness_seconds",
    "How long after its time a deadline action was taken",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600),
)
LAST_FIRED = Gauge(
    "gridline_sla_last_fired_timestamp_seconds", "When this replica last fired a deadline (Unix)"
)
OPEN_DEADLINES = Gauge("gridline_sla_open_deadlines", "Open deadlines", ["kind"])
OVERDUE_OPEN = Gauge(
    "gridline_sla_overdue_open_deadlines",
    "Open deadlines whose time passed more than a minute ago (the poller is behind)",
)
OPEN_ORDERS = Gauge("gridline_sla_open_orders", "Orders not yet resolved", ["state", "department"])
UNACKNOWLEDGED = Gauge(
    "gridline_sla_unacknowledged_orders",
    "Dispatched orders not yet signed for",
    ["department"],
)
ON_TIME_RATIO = Gauge("gridline_sla_on_time_ratio", "按时办结率 this month", ["department"])
MONTH_RATE = Gauge(
    "gridline_sla_month_rate",
    "This month's rates (docs/sla.md, Rates): on_time 按时办结率, satisfaction 满意率, "
    "solved 解决率, redo 重办率",
    ["rate", "department"],
)
MONTH_FOLLOWUPS = Gauge(
    "gridline_sla_month_followups",
    "This month's 12345 follow-ups counted to the department holding the order: urge 催办, "
    "supervise 督办",
    ["kind", "department"],
)
# Open deadlines this far past their time mean the poller is behind (or stopped).
OVERDUE_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class Fired:
    event: str
    kind: str
    department: str
    at: datetime


def observe_fired(fired: Sequence[Fired], now: datetime) -> None:
    """Counted after the commit: a rolled-back batch counts nothing."""
    for f in fired:
        FIRED.labels(f.event, f.kind).inc()
        if f.event == "SlaBreached":
            BREACHES.labels(f.kind, f.department).inc()
        elif f.event == "SlaWarning":
            WARNINGS.labels(f.kind).inc()
        LATENESS.observe(max((now - f.at).total_seconds(), 0.0))
    if fired:
        LAST_FIRED.set(now.timestamp())


def poller_started(now: datetime) -> None:
    """A (re)started poller counts "no deadline fired for too long" from its start."""
    LAST_FIRED.set(now.timestamp())


async def recount(session: AsyncSession, now: datetime) -> None:
    """On one snapshot (its caller's), so that the gauges agree with each other."""
    q = SlaQueries(session, Scope())
    open_deadlines = await q.deadline_counts("open")
    open_orders = await q.open_orders()
    on_time = await q.on_time(local_month_start(now))
    overdue = await q.overdue_open(now, OVERDUE_GRACE)
    start, end = month_bounds(month_of(now))
    month = by_department(await RateRepository(session).counts(start, end, None))
    OPEN_DEADLINES.clear()
    for kind, n in open_deadlines.items():
        OPEN_DEADLINES.labels(kind).set(n)
    OPEN_ORDERS.clear()
    UNACKNOWLEDGED.clear()
    for state, department, n in open_orders:
        OPEN_ORDERS.labels(state, department).set(n)
        if state == "dispatched":
            UNACKNOWLEDGED.labels(department).set(n)
    OVERDUE_OPEN.set(overdue)
    ON_TIME_RATIO.clear()
    for department, (n, ok) in resolved_per_department(on_time).items():
        ON_TIME_RATIO.labels(department).set(ok / n)
    set_month_rates(month)


def set_month_rates(month: dict[str, Tally]) -> None:
    """A rate with nothing counted for it is left out, not reported as 0."""
    MONTH_RATE.clear()
    MONTH_FOLLOWUPS.clear()
    for department, t in month.items():
        rates = {
            "on_time": t.on_time_rate,
            "satisfaction": t.satisfaction_rate,
            "solved": t.solved_rate,
            "redo": t.redo_rate,
        }
        for name, value in rates.items():
            if value is not None:
                MONTH_RATE.labels(name, department).set(value)
        MONTH_FOLLOWUPS.labels("urge", department).set(t.urges)
        MONTH_FOLLOWUPS.labels("supervise", department).set(t.supervisions)
