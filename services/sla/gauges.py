"""Recounts the SLA gauges on /metrics from the database (they are state, not events, so every
replica reports the same numbers: alert rules take ``max`` across replicas)."""

from datetime import datetime, timedelta

from services.sla import metrics
from services.sla.reports import Reports, Scope, local_month_start
from shared.db import Database

# Open deadlines this far past their time mean the poller is behind (or stopped).
OVERDUE_GRACE = timedelta(minutes=1)


async def recount(db: Database, now: datetime) -> None:
    async with db.transaction() as session:
        reports = Reports(session, Scope())
        open_deadlines = await reports.deadline_counts("open")
        open_orders = await reports.open_orders()
        on_time = await reports.on_time(local_month_start(now))
        overdue = await reports.overdue_open(now, OVERDUE_GRACE)
    metrics.OPEN_DEADLINES.clear()
    for kind, n in open_deadlines.items():
        metrics.OPEN_DEADLINES.labels(kind).set(n)
    metrics.OPEN_ORDERS.clear()
    metrics.UNACKNOWLEDGED.clear()
    for state, department, n in open_orders:
        metrics.OPEN_ORDERS.labels(state, department).set(n)
        if state == "dispatched":
            metrics.UNACKNOWLEDGED.labels(department).set(n)
    metrics.OVERDUE_OPEN.set(overdue)
    per_department: dict[str, tuple[int, int]] = {}
    for department, _category, _label, n, ok in on_time:
        seen = per_department.get(department, (0, 0))
        per_department[department] = (seen[0] + n, seen[1] + ok)
    metrics.ON_TIME_RATIO.clear()
    for department, (n, ok) in per_department.items():
        metrics.ON_TIME_RATIO.labels(department).set(ok / n)
