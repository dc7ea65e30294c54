"""Transient faults versus messages that cannot be processed, and the readiness they imply.

A database or broker that is away, a timeout, a serialization failure or a deadlock says nothing
about the message being handled: the same message will succeed once the fault clears. Such a
fault stops the consumer where it is (nothing committed, nothing dead-lettered) until it clears.
Only a message that fails the same way again and again while the database answers is poison.
"""

import asyncio
from collections.abc import Iterator

from aiokafka.errors import (
    InvalidMessageError,
    InvalidTopicError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
    UnsupportedForMessageFormatError,
)
from sqlalchemy import exc as sa_exc

from shared.metrics import READY, TRANSIENT_FAULTS

# PostgreSQL SQLSTATE classes and codes that clear by themselves: connection exceptions (08),
# transaction rollbacks: serialization failure, deadlock (40), insufficient resources (53),
# operator intervention: shutdown, cannot connect now (57P), system errors (58), lock timeout.
_PG_TRANSIENT_PREFIXES = ("08", "40", "53", "57P", "58", "55P03")

# SQLite's messages for a file that is busy, locked or momentarily unreadable.
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
    "database is busy",
    "attempt to write a readonly database",
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([current.__cause__, current.__context__, getattr(current, "orig", None)])


def is_transient(exc: BaseException) -> bool:
    """True if ``exc`` comes from the surroundings (database, broker, network), not the message."""
    for err in _chain(exc):
        if isinstance(err, (ConnectionError, TimeoutError, asyncio.TimeoutError)):
            return True
        if isinstance(err, OSError) and not isinstance(err, (FileNotFoundError, PermissionError)):
            return True
        if isinstance(err, (KafkaConnectionError, KafkaTimeoutError)):
            return True
        if isinstance(err, KafkaError) and getattr(err, "retriable", False):
            return True
        if isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated:
            return True
        if isinstance(err, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
            return True
        if isinstance(err, sa_exc.InterfaceError):
            return True  # "connection is closed" and the like
        sqlstate = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_PG_TRANSIENT_PREFIXES):
            return True
        if type(err).__module__.startswith("asyncpg") and "Connection" in type(err).__name__:
            return True
        text = str(err).lower()
        if isinstance(err, sa_exc.OperationalError) and any(m in text for m in _SQLITE_TRANSIENT):
            return True
        if type(err).__name__ == "OperationalError" and any(m in text for m in _SQLITE_TRANSIENT):
            return True
    return False


# What a broker refuses whatever the number of tries: the record itself is wrong for it.
_REFUSED_FOR_GOOD = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
    UnsupportedForMessageFormatError,
    InvalidMessageError,
)


def is_refused_for_good(exc: BaseException) -> bool:
    """True if the broker will never take this record (it is parked, not retried)."""
    return any(isinstance(err, _REFUSED_FOR_GOOD) for err in _chain(exc))


class Health:
    """What keeps a service from being ready: named faults, each with its reason.

    ``/healthz`` reports ``ready: false`` and ``/readyz`` answers 503 while any is present; the
    ``gridline_ready`` gauge says the same to Prometheus.
    """

    def __init__(self) -> None:
        self.started = False
        self._faults: dict[str, str] = {}
        self._degraded: dict[str, str] = {}

    @property
    def ready(self) -> bool:
        return self.started and not self._faults

    @property
    def faults(self) -> dict[str, str]:
        """Every fault, blocking or not (``/healthz`` lists them)."""
        return {**self._degraded, **self._faults}

    def fault(self, name: str, reason: str, kind: str = "database", blocking: bool = True) -> None:
        """Records a transient fault. A non-blocking one (the broker away: intake still takes
        orders, the outbox keeps them) is reported but leaves the service ready."""
        if name not in self._faults and name not in self._degraded:
            TRANSIENT_FAULTS.labels(name, kind).inc()
        (self._faults if blocking else self._degraded)[name] = reason[:300]
        READY.set(1 if self.ready else 0)

    def clear(self, name: str) -> None:
        self._faults.pop(name, None)
        self._degraded.pop(name, None)
        READY.set(1 if self.ready else 0)

    def mark_started(self, started: bool = True) -> None:
        self.started = started
        READY.set(1 if self.ready else 0)


class Gate:
    """Open while the broker is known to hold our log; closed from the moment it may not (its
    connection dropped) until it has been checked. Consumers neither handle nor commit while it
    is closed, and an offset commit in flight when it closes is abandoned: a commit meant for the
    old broker must never land on a new, empty one, where it would skip the rebuilt log."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._closed = asyncio.Event()
        self.open()

    def is_open(self) -> bool:
        return self._open.is_set()

    def open(self) -> None:
        self._closed.clear()
        self._open.set()

    def close(self) -> None:
        self._open.clear()
        self._closed.set()

    async def wait_open(self) -> None:
        await self._open.wait()

    async def wait_closed(self) -> None:
        await self._closed.wait()
