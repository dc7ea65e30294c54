"""The router's background loop: coverage readiness, looked at a week ahead every
``coverage_check_seconds`` and soon after each roster or leave change; each new finding is
logged once and the gauge (``metrics``) follows."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from services.router import queries
from services.router.config import RouterDeps
from services.router.metrics import publish_coverage
from services.router.store import RosterRepository
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)


def coverage_loop(
    runtime: ServiceRuntime,
    deps: RouterDeps,
    seconds: float,
    days: int,
    poll_seconds: float = 2.0,
) -> Callable[[], Awaitable[None]]:
    """Every ``seconds``, and within ``poll_seconds`` of a roster or leave change (the audit
    grows with each); the organisation file is read at start, so a change to it is seen then."""

    async def loop() -> None:
        seen: set[tuple[str, str, datetime]] = set()
        checked_at: datetime | None = None
        last: int | None = -1
        while True:
            try:
                now = runtime.clock.now()
                async with runtime.db.snapshot() as session:
                    change = await RosterRepository(session).last_change()
                due = checked_at is None or (now - checked_at).total_seconds() >= seconds
                if due or change != last:
                    async with runtime.db.snapshot() as session:
                        found = await queries.coverage_findings(
                            session, deps, runtime.clock.now(), days
                        )
                    publish_coverage(deps.org, found)
                    for f in found:
                        if (f.kind, f.subject, f.start) not in seen:
                            log.warning("coverage_finding", kind=f.kind, subject=f.subject)
                    seen = {(f.kind, f.subject, f.start) for f in found}
                    checked_at, last = now, change
            except Exception as exc:  # the database is away: try again next round
                log.warning("coverage_check_failed", error=repr(exc))
            await asyncio.sleep(poll_seconds)

    return loop
