"""Outreach's loops: open tasks past their deadline, and the WeChat group register's gaps."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

from services.outreach import metrics
from services.outreach.config import OutreachDeps
from services.outreach.domain import groups
from services.outreach.handlers import covered, raise_group_gaps, raise_overdue
from services.outreach.store import OutreachRepository
from shared.contracts import NoticeOverdue
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)

Step = Callable[[], Awaitable[int]]
Loop = Callable[[], Awaitable[None]]


async def sweep_overdue(runtime: ServiceRuntime) -> int:
    now = runtime.clock.now()
    async with runtime.db.transaction() as session:
        events = await raise_overdue(session, now)
        runtime.outbox.add(session, events)
    for event in events:
        if isinstance(event, NoticeOverdue):
            metrics.NOTICE_TASKS.labels(event.payload.department, "overdue").inc()
    if events:
        runtime.outbox.wake()
    return len(events)


async def check_groups(
    runtime: ServiceRuntime, deps: OutreachDeps, department: str | None = None
) -> int:
    """Each gap goes to scoring once a month (the head's candidate queue); the gauge is set."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as session:
        rows = await OutreachRepository(session).groups()
        found = Counter(g.department for g in groups.gaps(deps.org, covered(rows)))
        events = await raise_group_gaps(session, deps, now, department)
        runtime.outbox.add(session, events)
    for department in {d.code for d in deps.org.departments}:
        metrics.GROUP_GAPS.labels(department).set(found.get(department, 0))
    if events:
        runtime.outbox.wake()
    return len(events)


def every(seconds: float, name: str, step: Step, wait_first: bool = False) -> Loop:
    """``wait_first``: the first round one interval after start, not at once (a register that is
    being filled in on the first day is not a month of gaps)."""

    async def loop() -> None:
        if wait_first:
            await asyncio.sleep(seconds)
        while True:
            try:
                await step()
            except Exception as exc:  # the database is away: try again next round
                log.warning("outreach_job_failed", job=name, error=repr(exc))
            await asyncio.sleep(seconds)

    return loop
