"""Outreach's loops: open tasks past their deadline, and the WeChat group register's gaps."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

from services.outreach import metrics
from services.outreach.config import OutreachDeps
from services.outreach.handlers import CheckGroups, RaiseOverdue
from shared.contracts import NoticeOverdue
from shared.logging import get_logger
from shared.unit_of_work import CommandBus

log = get_logger(__name__)

Step = Callable[[], Awaitable[int]]
Loop = Callable[[], Awaitable[None]]


async def sweep_overdue(bus: CommandBus[OutreachDeps]) -> int:
    done = await bus.handle(RaiseOverdue())
    for event in done.events:
        if isinstance(event, NoticeOverdue):
            metrics.NOTICE_TASKS.labels(event.payload.department, "overdue").inc()
    return len(done.events)


async def check_groups(bus: CommandBus[OutreachDeps], department: str | None = None) -> int:
    """Each gap goes to scoring once a month (the head's candidate queue); the gauge is set."""
    done = await bus.handle(CheckGroups(department))
    found: Counter[str] = done.answer
    for code in {d.code for d in bus.deps.org.departments}:
        metrics.GROUP_GAPS.labels(code).set(found.get(code, 0))
    return len(done.events)


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
