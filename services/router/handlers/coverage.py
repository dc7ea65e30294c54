"""The coverage look-ahead, a read-only round of the router's loop (``app.py`` runs it every
couple of seconds with ``shared.loops.every``): the week ahead is looked at again every
``seconds`` and at the first round after a roster or leave change (the audit grows with each);
each new finding is logged once and the gauge follows. The organisation file is read at start,
so a change to it is seen then."""

from dataclasses import dataclass, field
from datetime import datetime

from services.router.config import RouterDeps
from services.router.domain.coverage import findings
from services.router.metrics import publish_coverage
from services.router.store import RosterRepository, current_roster
from shared.contracts import Event
from shared.logging import get_logger
from shared.unit_of_work import UnitOfWork

log = get_logger(__name__)


@dataclass
class CoverageWatch:
    """What the look-ahead remembers between rounds."""

    seen: set[tuple[str, str, datetime]] = field(default_factory=set)
    checked_at: datetime | None = None
    last_change: int | None = -1


@dataclass(frozen=True)
class CheckCoverage:
    seconds: float
    days: int
    watch: CoverageWatch = field(default_factory=CoverageWatch, compare=False)


async def check_coverage(command: CheckCoverage, uow: UnitOfWork, deps: RouterDeps) -> list[Event]:
    watch, now = command.watch, uow.now
    change = await RosterRepository(uow.session).last_change()
    due = watch.checked_at is None or (now - watch.checked_at).total_seconds() >= command.seconds
    if due or change != watch.last_change:
        found = findings(await current_roster(uow.session, deps), now, command.days)
        publish_coverage(deps.org, found)
        for f in found:
            if (f.kind, f.subject, f.start) not in watch.seen:
                log.warning("coverage_finding", kind=f.kind, subject=f.subject)
        watch.seen = {(f.kind, f.subject, f.start) for f in found}
        watch.checked_at, watch.last_change = now, change
    return []
