"""Scoring's loop: assigned tasks whose deadline passed while still open (Art. 18(一)7)."""

import asyncio
from collections.abc import Awaitable, Callable

from services.scoring.config import ScoringDeps
from services.scoring.handlers import RaiseLateTasks
from shared.logging import get_logger
from shared.unit_of_work import CommandBus

log = get_logger(__name__)

Step = Callable[[], Awaitable[int]]
Loop = Callable[[], Awaitable[None]]


async def sweep_late_tasks(bus: CommandBus[ScoringDeps]) -> int:
    """One round; the number of TaskLate events raised (one per worker of each late task)."""
    return len((await bus.handle(RaiseLateTasks())).events)


def every(seconds: float, name: str, step: Step) -> Loop:
    async def loop() -> None:
        while True:
            try:
                await step()
            except Exception as exc:  # the database is away: try again next round
                log.warning("scoring_job_failed", job=name, error=repr(exc))
            await asyncio.sleep(seconds)

    return loop
