"""One async engine per service, built at start (never at import), and the base for its tables."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Executable, MetaData, Row, TypeDecorator, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from shared.metrics import DB_COMMITS
from shared.sqlite_inline import Checkpointer, inline_connector

INLINE_BUSY_MS = 1000
PING_IDLE_SECONDS = 2.0
_RETURNED = "gridline_returned_at"
READ_ONLY = "gridline_read_only"  # a snapshot's connection: deferred BEGIN, no write lock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING)


class ServiceBase(DeclarativeBase):
    """Each service subclasses this with its own ``metadata`` so databases never mix."""

    __abstract__ = True
    type_annotation_map = {datetime: UtcDateTime}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute


class Database:
    """Engine and session factory of one service's own database."""

    def __init__(
        self,
        url: str,
        busy_timeout_ms: int = 30_000,
        *,
        inline: bool = True,
        ping_idle_seconds: float = PING_IDLE_SECONDS,
    ) -> None:
        self.url = url
        self._ping_idle_seconds = ping_idle_seconds
        self._busy_timeout_ms = busy_timeout_ms
        # SQLite statements run on the loop's thread (shared.sqlite_inline), not aiosqlite's.
        self._inline = inline
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._one_writer: asyncio.Lock | None = None
        self._checkpointer: Checkpointer | None = None
        self._checkpoints: asyncio.Task[None] | None = None
        self._after_commit: list[Callable[[AsyncSession], None]] = []

    def after_commit(self, hook: Callable[[AsyncSession], None]) -> None:
        """Runs ``hook(session)`` after every committed ``transaction()`` (the outbox wakes its
        relay this way when the transaction added events)."""
        self._after_commit.append(hook)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("Database.start() has not been called")
        return self._engine

    async def start(self) -> None:
        kwargs: dict[str, Any] = {}
        busy_ms = self._busy_timeout_ms
        if self.is_sqlite:
            path = _ensure_sqlite_dir(self.url)
            if path is not None and self._inline:
                # Waiting inline for another process's lock would stall the whole loop (and the
                # consumers' heartbeats): give up within a second, a transient fault retried.
                busy_ms = min(busy_ms, INLINE_BUSY_MS)
                self._checkpointer = Checkpointer(path)
                kwargs["async_creator"] = inline_connector(
                    path, busy_ms / 1000, self._checkpointer.wrote
                )
                self._checkpoints = asyncio.create_task(self._checkpointer.run())
            else:
                kwargs["connect_args"] = {"timeout": max(1, busy_ms / 1000)}
        self._engine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _serialise_sqlite_writers(self._engine, busy_ms, self._checkpointer is None)
            self._one_writer = writer_lock(self.url)
        else:
            _ping_when_idle(self._engine, self._ping_idle_seconds)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    async def stop(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with suppress(asyncio.CancelledError):
                await self._checkpoints
            self._checkpoints = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self._sessions is None:
            raise RuntimeError("Database.start() has not been called")
        if self._one_writer is None:
            async with self._sessions() as session:
                async with session.begin():
                    yield session
                self._committed(session)
            return
        # SQLite has one writer at a time. Waiting our turn here costs nothing; waiting in
        # SQLite's busy handler sleeps in growing steps and made a burst of orders crawl.
        async with self._one_writer, self._sessions() as session:
            async with session.begin():
                yield session
            self._committed(session)

    def _committed(self, session: AsyncSession) -> None:
        DB_COMMITS.inc()
        for hook in self._after_commit:
            hook(session)

    async def ping(self) -> bool:
        """True if the database answers now. On SQLite the query takes the write lock (BEGIN
        IMMEDIATE), so a file another process holds locked does not count as answering."""
        try:
            async with asyncio.timeout(5):
                # On SQLite the ping queues with this process's writers: begun beside one of
                # them it would wait in the busy handler for a lock its own process holds.
                async with self._one_writer or nullcontext(), self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction on a bare connection, for Core statements that need no ORM session
        (the relay marking rows sent): committed on success, rolled back on error."""
        async with self._one_writer or nullcontext(), self.engine.begin() as conn:
            yield conn
        DB_COMMITS.inc()

    async def fetch(
        self, statement: Executable, params: dict[str, Any] | None = None
    ) -> list[Row[Any]]:
        """The rows of one Core select of what is committed, on a bare connection (no ORM
        session: ~100 µs less per call, issue 14); on SQLite without the write lock."""
        async with self.engine.connect() as conn:
            if self._one_writer is not None:
                conn = await conn.execution_options(**{READ_ONLY: True})
            return list((await conn.execute(statement, params)).all())

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction that sees one moment: several queries that must agree (an
        order's state and its timeline) cannot straddle another transaction's commit."""
        if self._sessions is None:
            raise RuntimeError("Database.start() has not been called")
        if self._one_writer is not None:
            # A reader needs no write lock: WAL lets it read one moment while a writer writes.
            # Taking the lock made reads queue behind every write (a 500 after 63 s).
            async with self._sessions() as session, session.begin():
                await session.connection(execution_options={READ_ONLY: True})
                yield session
            return
        async with self.transaction() as session:
            if self.is_postgres:
                await session.execute(
                    text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                )
            yield session


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """A network database's pooled connection can go stale (a restart, a cut): one that sat in
    the pool for ``idle_seconds`` is pinged when checked out, and replaced if it does not
    answer. A ping on every checkout (``pool_pre_ping``) cost ~120 µs of CPU per transaction
    (issue 14); under traffic a connection is back in use within milliseconds. One that died
    while in use fails its statement as a disconnect: a transient fault, retried."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        if returned is not None and time.monotonic() - returned < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError(f"a pooled connection did not answer: {exc!r}") from exc


def _ensure_sqlite_dir(url: str) -> str | None:
    """The database file's path (its folder made), or None for an in-memory database."""
    path = url.split(":///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


_writer_locks: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


def writer_lock(url: str) -> asyncio.Lock:
    """One lock per SQLite file (and event loop): every ``Database`` of this process on that file
    (a service restarted in a test beside its old self) queues its writers on the same one."""
    key = str(Path(url.split(":///", 1)[-1].split("?", 1)[0]).resolve())
    loop = asyncio.get_running_loop()
    held = _writer_locks.get(key)
    if held is None or held[0] is not loop:
        held = _writer_locks[key] = (loop, asyncio.Lock())
    return held[1]


def _serialise_sqlite_writers(
    engine: AsyncEngine, busy_timeout_ms: int, checkpoint_at_commit: bool
) -> None:
    # SQLite's deferred transactions fail at once ("database is locked") when a reader tries to
    # write after another writer committed. BEGIN IMMEDIATE takes the write lock up front and
    # lets busy_timeout queue writers instead; WAL keeps readers off the writers' backs.
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not checkpoint_at_commit:  # a Checkpointer does it off the loop
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
