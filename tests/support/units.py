"""Handler tests without a broker: the service's own tables on a SQLite file and units of work
opened as the runtime opens them (``UnitsOfWork`` with the service's outbox), so what a handler
returns is written to the outbox in its transaction — or, when it refuses, nothing is.

The ``service_units`` fixture (tests/conftest.py) opens one per service ``Base``.
"""

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from shared.clock import ManualClock
from shared.contracts import Event
from shared.db import Database
from shared.outbox import Outbox, OutboxMixin
from shared.topics import Topics
from shared.unit_of_work import Handler, UnitsOfWork

M = TypeVar("M")
D = TypeVar("D")


def outbox_model(base: type[DeclarativeBase]) -> type[OutboxMixin]:
    """The service's outbox table, found among the classes mapped on its ``Base``."""
    # Every service's Base shares one registry; its own tables are those on its metadata.
    own = set(base.metadata.tables.values())
    found = [
        mapper.class_
        for mapper in base.registry.mappers
        if issubclass(mapper.class_, OutboxMixin) and mapper.persist_selectable in own
    ]
    if len(found) != 1:
        raise LookupError(f"{base.__module__}.{base.__name__} maps {len(found)} outbox tables")
    model: type[OutboxMixin] = found[0]
    return model


class ServiceUnits:
    """One service's database and its units of work, for a handler test."""

    def __init__(self, db: Database, base: type[DeclarativeBase], now: datetime) -> None:
        self.db = db
        self.clock = ManualClock(now)
        self._outbox_model = outbox_model(base)
        outbox = Outbox(self._outbox_model, self.clock, Topics.named("handlers"))
        self.units = UnitsOfWork(db, outbox, self.clock)

    @classmethod
    async def open(cls, base: type[DeclarativeBase], path: Path, now: datetime) -> "ServiceUnits":
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.start()
        async with db.engine.begin() as conn:
            await conn.run_sync(base.metadata.create_all)
        return cls(db, base, now)

    async def handle(
        self, handler: Handler[M, D], message: M, deps: D, now: datetime | None = None
    ) -> Sequence[Event]:
        """Runs the handler in one unit of work (at ``now``, or the clock's time); the events it
        returned, already in the outbox. A refusal rolls the whole unit back."""
        if now is not None:
            self.clock.set(now)
        done = await self.units.run(handler, message, deps)
        return done.events

    async def outbox(self) -> list[str]:
        """The ids of the events in the outbox, oldest first."""
        model: Any = self._outbox_model
        async with self.db.snapshot() as session:
            return list(await session.scalars(select(model.event_id).order_by(model.id)))

    def transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A transaction of its own, to read or arrange rows around the handlers."""
        return self.db.transaction()

    async def close(self) -> None:
        await self.db.stop()


OpenUnits = Callable[[type[DeclarativeBase], datetime], Awaitable[ServiceUnits]]
"""The ``service_units`` fixture: ``await service_units(Base, now)``."""
