"""A service's background loops, declared in its ``app.py`` and started by its runtime.

There are two kinds, started the same way (``Loop.bind`` then ``ServiceRuntime.background``):

- ``every(seconds, command)``: the command goes through the service's ``COMMANDS`` table every
  ``seconds``, like a command from HTTP: whatever it writes, it writes in one unit of work with
  its events in the outbox. ``read_only`` ones (gauges, a coverage look-ahead) run their handler
  on a snapshot instead, so that on SQLite they never hold the one writer.
- ``sending(name, make)``: a ``shared.outbound`` sender (claim → send → record), which talks to
  the outside world and so cannot be one unit of work.

A round that fails (the database away) is logged and tried again at the next round.
"""

from asyncio import sleep
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.logging import get_logger
from shared.runtime import Background, ServiceRuntime
from shared.unit_of_work import CommandBus, UnitOfWork

log = get_logger(__name__)

After = Callable[[UnitOfWork, Any], None]
"""Called with the finished unit of work (events, answer) and the deps, after the commit: a
metric that a rolled-back round must not move."""


class Loop(Protocol):
    @property
    def name(self) -> str: ...

    def bind(self, runtime: ServiceRuntime, bus: CommandBus[Any]) -> Background:
        """The coroutine function the runtime runs for the life of the service."""


@dataclass(frozen=True)
class Every:
    seconds: float
    command: object
    name: str
    wait_first: bool = False
    again: bool = False
    read_only: bool = False
    after: After | None = None
    on_start: Callable[[datetime], None] | None = None

    def bind(self, runtime: ServiceRuntime, bus: CommandBus[Any]) -> Background:
        if type(self.command) not in bus.table:
            raise LookupError(f"no handler for {type(self.command).__name__} in COMMANDS")

        async def loop() -> None:
            if self.on_start is not None:
                self.on_start(bus.units.clock.now())
            if self.wait_first:
                await sleep(self.seconds)
            while True:
                try:
                    while await self._round(bus) and self.again:
                        pass
                except Exception as exc:  # the database is away: try again next round
                    log.warning("loop_round_failed", loop=self.name, error=repr(exc))
                await sleep(self.seconds)

        return loop

    async def _round(self, bus: CommandBus[Any]) -> bool:
        """One round; whether the handler's answer says more is due at once."""
        if self.read_only:
            done = await read(bus, self.command)
        else:
            done = await bus.handle(self.command)
        if self.after is not None:
            self.after(done, bus.deps)
        return bool(done.answer)


async def read(bus: CommandBus[Any], command: object) -> UnitOfWork:
    """A read-only command's handler on a snapshot: it may look, not write or emit."""
    handler = bus.table[type(command)]
    async with bus.units.db.snapshot() as session:
        uow = UnitOfWork(session, bus.units.clock.now())
        if await handler(command, uow, bus.deps):
            raise RuntimeError(f"{type(command).__name__} is read-only: it emits no events")
    return uow


def every(
    seconds: float,
    command: object,
    *,
    name: str = "",
    wait_first: bool = False,
    again: bool = False,
    read_only: bool = False,
    after: After | None = None,
    on_start: Callable[[datetime], None] | None = None,
) -> Every:
    """``command`` through ``COMMANDS`` every ``seconds``. ``wait_first``: the first round one
    interval after start, not at once. ``again``: the next round at once while the handler's
    ``uow.answer`` is truthy (a backlog worked off in batches). ``on_start``: once, with ``now``,
    when the loop starts."""
    return Every(
        seconds,
        command,
        name or type(command).__name__,
        wait_first,
        again,
        read_only,
        after,
        on_start,
    )


@dataclass(frozen=True)
class Sending:
    name: str
    make: Callable[[ServiceRuntime], Background]

    def bind(self, runtime: ServiceRuntime, bus: CommandBus[Any]) -> Background:
        return self.make(runtime)


def sending(name: str, make: Callable[[ServiceRuntime], Background]) -> Sending:
    """An outbound sender built on the runtime (its units of work, its database) at wiring."""
    return Sending(name, make)
