"""What outreach's loops do after each round (``app.py`` declares them: ``RaiseOverdue`` and
``CheckGroups`` through ``COMMANDS``): the metrics, set once the round has committed."""

from collections import Counter

from services.outreach import metrics
from services.outreach.config import OutreachDeps
from services.outreach.handlers import CheckGroups
from shared.contracts import NoticeOverdue
from shared.unit_of_work import CommandBus, UnitOfWork


def count_overdue(done: UnitOfWork, _deps: OutreachDeps) -> None:
    for event in done.events:
        if isinstance(event, NoticeOverdue):
            metrics.NOTICE_TASKS.labels(event.payload.department, "overdue").inc()


def gauge_gaps(done: UnitOfWork, deps: OutreachDeps) -> None:
    """Each department's gaps found by the round (zero where none were)."""
    found: Counter[str] = done.answer
    for code in {d.code for d in deps.org.departments}:
        metrics.GROUP_GAPS.labels(code).set(found.get(code, 0))


async def check_groups(bus: CommandBus[OutreachDeps], department: str | None = None) -> int:
    """The head's “立即检查”: one round now. Each gap goes to scoring once a month (the head's
    candidate queue); the gauge is set."""
    done = await bus.handle(CheckGroups(department))
    gauge_gaps(done, bus.deps)
    return len(done.events)
