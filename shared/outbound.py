"""The one way a service talks to the outside world (the 12345 platform, WeCom, SMS providers).

A slow or hung provider must never hold the database: on SQLite a unit of work holds the one
writer, so a request sent inside it stops every other write (a hung 12345 gateway once made an
order's acceptance wait 92 s). So every send goes in three steps:

1. **claim** the due rows in one short unit of work, each under a lease (the row is not due again
   until the lease runs out);
2. **send** with no transaction open;
3. **record** the outcomes in another short unit of work (one per round), each only if its
   claim still holds.

A crash between sending and recording leaves the claim; when its lease runs out the row is sent
again. The bound is at-least-once: a row is never lost, and sent twice only after such a crash.

Clients for the outside world come from ``http_client``: it refuses any request made while a unit
of work is open in the same task, so the rule is kept by the code, not only by review.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from shared.logging import get_logger
from shared.unit_of_work import UnitOfWork, UnitsOfWork, inside_unit_of_work

log = get_logger(__name__)

C = TypeVar("C")  # what a claim hands to the sender: plain values, no ORM rows
O = TypeVar("O")  # noqa: E741 - the outcome of one send


class NetworkInsideUnitOfWork(RuntimeError):
    """A request to the outside world was made with a transaction open."""


async def _refuse_inside_unit_of_work(request: httpx.Request) -> None:
    if inside_unit_of_work():
        raise NetworkInsideUnitOfWork(
            f"{request.method} {request.url.host}: network I/O inside a unit of work would hold "
            "the database for as long as the other side takes; claim, send, then record"
        )


def http_client(timeout: float, **options: Any) -> httpx.AsyncClient:
    """One pooled client per sink, kept for the life of the service."""
    return httpx.AsyncClient(
        timeout=timeout, event_hooks={"request": [_refuse_inside_unit_of_work]}, **options
    )


@dataclass(frozen=True)
class Outbound(Generic[C, O]):
    """What a service owes the outside world, as three steps over its own table."""

    claim: Callable[[UnitOfWork, int], Awaitable[Sequence[C]]]
    """Takes up to ``n`` due rows under a lease; returns what sending them needs."""
    send: Callable[[C], Awaitable[O]]
    """Sends one; runs with no transaction open. Failures are outcomes, not exceptions."""
    record: Callable[[UnitOfWork, C, O], Awaitable[None]]
    """Writes one outcome (and emits its events) if the claim is still this one."""


class OutboundSender(Generic[C, O]):
    """Claims, sends and records in rounds; pauses ``poll_seconds`` once nothing is due."""

    def __init__(
        self,
        name: str,
        units: UnitsOfWork,
        outbound: Outbound[C, O],
        poll_seconds: float,
        batch: int = 20,
    ) -> None:
        self.name = name
        self._units = units
        self._outbound = outbound
        self._poll = poll_seconds
        self._batch = batch

    async def once(self) -> int:
        """One round: how many rows were claimed (and sent, and recorded)."""
        async with self._units.begin() as uow:
            claimed = await self._outbound.claim(uow, self._batch)
        outcomes = await asyncio.gather(*(self._outbound.send(c) for c in claimed))
        done = list(zip(claimed, outcomes, strict=True))
        if len(done) > 1:
            # The round's outcomes in one unit of work: a transaction each cost more than the
            # writes (issue 25). If that fails, one at a time, so that those before a failing
            # one are kept as they were before the round was batched.
            try:
                async with self._units.begin() as uow:
                    for item, outcome in done:
                        await self._outbound.record(uow, item, outcome)
                return len(claimed)
            except Exception as exc:
                log.info("outbound_round_recorded_one_by_one", sender=self.name, error=repr(exc))
        for item, outcome in done:
            async with self._units.begin() as uow:
                await self._outbound.record(uow, item, outcome)
        return len(claimed)

    async def run(self) -> None:
        while True:
            try:
                busy = await self.once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the rows wait in the table
                log.warning("outbound_round_failed", sender=self.name, error=repr(exc))
                busy = 0
            if not busy:
                await asyncio.sleep(self._poll)
