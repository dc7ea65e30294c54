"""The SLA service's background loops: the deadline poller, which fires due deadlines through
the outbox, and the gauges' recount."""

import asyncio
from datetime import datetime

from services.sla import domain, metrics
from services.sla.config import SlaSettings
from services.sla.domain.numbers import dept_label
from services.sla.store import FIRED, DeadlineRepository, DeadlineRow, OrderRepository
from shared.logging import get_logger
from shared.runtime import ServiceRuntime
from shared.unit_of_work import UnitsOfWork

log = get_logger(__name__)


async def fire_due(units: UnitsOfWork, now: datetime, batch: int = 500) -> int:
    """Fires one batch of the deadlines due at ``now`` through the outbox, in one unit of work;
    returns how many acted. On PostgreSQL replicas skip each other's rows: none fires twice."""
    fired: list[metrics.Fired] = []
    async with units.begin() as uow:
        rows = await DeadlineRepository(uow.session).take_due(
            now, batch, skip_locked=units.db.is_postgres
        )
        acknowledged = await OrderRepository(uow.session).acknowledged_of(
            {r.order_id for r in rows}
        )
        for row in rows:
            acted_at = row.next_at or row.due_at
            firing = domain.fired(_due(row), acknowledged.get(row.order_id, False), now)
            if firing.done:
                row.state, row.fired_at, row.next_at = FIRED, now, None
            else:
                row.warned, row.next_at = True, firing.next_at
            uow.emit([firing.event])
            fired.append(
                metrics.Fired(
                    type(firing.event).__name__, row.kind, dept_label(row.department), acted_at
                )
            )
    metrics.observe_fired(fired, now)  # after the commit: a rolled-back batch counts nothing
    return len(fired)


def _due(row: DeadlineRow) -> domain.DueDeadline:
    return domain.DueDeadline(
        order_id=row.order_id,
        kind=row.kind,
        purpose=row.purpose,
        due=row.due_at,
        warn_at=row.warn_at,
        warned=row.warned,
        assignment_id=row.assignment_id,
        department=row.department,
        assignee_id=row.assignee_id,
        explained=row.explained,
    )


async def poll_deadlines(runtime: ServiceRuntime, settings: SlaSettings) -> None:
    """Fires due deadlines batch after batch, then waits ``poll_seconds``. Deadlines that passed
    while the service was down are due at the first round."""
    metrics.poller_started(runtime.clock.now())
    while True:
        try:
            while await fire_due(runtime.units, runtime.clock.now(), settings.poll_batch) > 0:
                pass
        except Exception as exc:
            log.warning("deadline_poll_failed", error=repr(exc))
        await asyncio.sleep(settings.poll_seconds)


async def recount_gauges(runtime: ServiceRuntime, settings: SlaSettings) -> None:
    while True:
        try:
            await metrics.recount(runtime.db, runtime.clock.now())
        except Exception as exc:
            log.warning("gauge_recount_failed", error=repr(exc))
        await asyncio.sleep(settings.gauges_seconds)
