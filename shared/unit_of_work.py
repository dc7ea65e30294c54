"""One unit of work for every write: a command from HTTP, a consumed event, a background job.

It opens the service's transaction, hands the handler the session and ``now``, writes the events
the handler returns to the outbox in that same transaction, and (through the outbox's after-commit
hook) wakes the relay once the commit is done. Nothing else in a service writes to its database.

A handler has one shape for commands and events alike::

    async def dispatch_new_order(event: OrderReceived, uow: UnitOfWork, deps: RouterDeps)
        -> Sequence[Event]

and each service lists its handlers in two tables at the bottom of its ``handlers`` module,
``EVENTS`` (event class -> handler) and ``COMMANDS`` (command class -> handler), so one table
says what the service does.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import Clock
from shared.contracts import Event
from shared.db import Database
from shared.outbox import Outbox

M = TypeVar("M")
D = TypeVar("D")


@dataclass
class UnitOfWork:
    """The open transaction a handler works in."""

    session: AsyncSession
    now: datetime
    events: list[Event] = field(default_factory=list)
    answer: Any = None
    """What a command's caller is told beyond its events (a new row's id, a view): set by the
    handler, read by the HTTP layer after the commit."""

    def emit(self, events: Sequence[Event]) -> None:
        self.events.extend(events)


Handler = Callable[[M, UnitOfWork, D], Awaitable[Sequence[Event]]]
"""``(message, uow, deps) -> events``: the one shape of every command and event handler."""

HandlerTable = Mapping[type[Any], Handler[Any, D]]

_OPEN: ContextVar[bool] = ContextVar("unit_of_work_open", default=False)


def inside_unit_of_work() -> bool:
    """Whether this task (or the task that spawned it) has a unit of work open: the outside
    world's HTTP clients (``shared.outbound``) refuse to send then."""
    return _OPEN.get()


class UnitsOfWork:
    """Opens units of work on one service's database and outbox."""

    def __init__(self, db: Database, outbox: Outbox | None, clock: Clock) -> None:
        self.db = db
        self.outbox = outbox  # None: a service that publishes nothing (the console)
        self.clock = clock

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work: committed with its events in the outbox, or rolled back whole."""
        marked = _OPEN.set(True)
        try:
            async with self.db.transaction() as session:
                uow = UnitOfWork(session, self.clock.now())
                yield uow
                if self.outbox is not None:
                    await self.outbox.add(session, uow.events)
                elif uow.events:
                    raise RuntimeError("this service has no outbox: its handlers emit no events")
        finally:
            _OPEN.reset(marked)

    async def run(self, handler: Handler[M, D], message: M, deps: D) -> UnitOfWork:
        """Runs one handler in its own unit of work; the finished unit (events, answer)."""
        async with self.begin() as uow:
            uow.emit(await handler(message, uow, deps))
        return uow


class CommandBus(Generic[D]):
    """Routes a command to its handler in the service's ``COMMANDS`` table."""

    def __init__(self, units: UnitsOfWork, table: HandlerTable[D], deps: D) -> None:
        self.units = units
        self.table = table
        self.deps = deps

    async def handle(self, command: object) -> UnitOfWork:
        handler = self.table.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__} in COMMANDS")
        return await self.units.run(handler, command, self.deps)


def event_type_names(table: Mapping[type[Any], Any]) -> frozenset[str]:
    """The ``type`` header values of the event classes a table handles: the consumer drops the
    rest before decoding them or opening a transaction."""
    names = set()
    for cls in table:
        type_field = getattr(cls, "model_fields", {}).get("type")
        if type_field is None or not isinstance(type_field.default, str):
            raise TypeError(f"{cls.__name__} is not an event envelope with a fixed type")
        names.add(type_field.default)
    return frozenset(names)
