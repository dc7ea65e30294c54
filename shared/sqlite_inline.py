"""SQLite for SQLAlchemy's asyncio engine without thread hops (issue 14).

aiosqlite runs every call — each execute, fetch, commit — on its own worker thread and waits for
it on the event loop: about 3.5 hops per SQL statement, and the profile showed those hops were
most of a service's CPU (a consumed event cost ~3 ms this way; the same statements through plain
``sqlite3`` cost ~50 µs). A statement on a local SQLite file takes microseconds, so this module
hands SQLAlchemy's aiosqlite dialect a connection with aiosqlite's interface whose coroutines run
``sqlite3`` at once, on the loop's thread — the commit too. A hop to a worker thread cost more
CPU (~100 µs) than the commit's sync of the WAL (~60 µs of CPU, ~0.2 ms of waiting here); what
could hold the loop for long, a checkpoint copying the WAL into the database file, runs on a
worker thread instead (``Checkpointer``; the connections do not checkpoint at commit).

What makes that safe here: a service's writers queue on an asyncio lock before they begin
(``shared.db``), so no statement waits on a lock this process holds; readers use WAL snapshots,
which never wait. Only another *process* holding the write lock (an operator's ``gridline outbox
retry``) makes a statement wait, for at most ``busy_timeout``.
"""

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self

from shared.logging import get_logger

log = get_logger(__name__)


class InlineCursor:
    """aiosqlite's ``Cursor`` interface over a ``sqlite3`` cursor, run inline."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = None) -> Self:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Any) -> Self:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _RunNow:
    """Stands in for aiosqlite's request queue, which SQLAlchemy uses to set the isolation
    level on the worker thread: the request runs at once and its future is resolved."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # handed to the waiting caller, as aiosqlite does
            future.set_exception(exc)


class InlineConnection:
    """aiosqlite's ``Connection`` interface over a ``sqlite3`` connection, run inline."""

    def __init__(
        self, connection: sqlite3.Connection, on_write: Callable[[], None] | None = None
    ) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _RunNow()
        self._on_write = on_write
        self._changes = connection.total_changes

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn  # SQLAlchemy checks it before commit and rollback

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = self.cursor()
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        conn = self._open()
        conn.commit()
        if self._on_write is not None and conn.total_changes != self._changes:
            self._changes = conn.total_changes  # rows written: the WAL grew
            self._on_write()

    async def rollback(self) -> None:
        self._open().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """aiosqlite's forced close (a connection invalidated outside a greenlet)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Checkpointer:
    """Copies the WAL's pages into the database file on a worker thread, ``seconds`` after
    writes: done at commit, as SQLite does by default, it would hold the loop while it copies
    and syncs. PASSIVE never waits for readers or writers; what it cannot copy yet, the next
    round does."""

    def __init__(self, path: str, seconds: float = 1.0) -> None:
        self.path = path
        self.seconds = seconds
        self._written = asyncio.Event()
        self._written.set()  # what was written before (migrations) counts too
        self._conn: sqlite3.Connection | None = None
        # Cancelling ``run`` does not stop a checkpoint already on its worker thread: closing
        # the connection under it crashed the interpreter (CI, stop 17). The lock makes the
        # close wait for that checkpoint; ``_closed`` keeps a late one from reopening.
        self._lock = threading.Lock()
        self._closed = False

    def wrote(self) -> None:
        self._written.set()

    async def run(self) -> None:
        """Sleeps until a commit wrote rows, lets ``seconds`` of writes gather, copies them."""
        try:
            while True:
                await self._written.wait()
                await asyncio.sleep(self.seconds)
                self._written.clear()
                if not await asyncio.to_thread(self._checkpoint):
                    self._written.set()  # the next round tries again
        finally:
            self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _checkpoint(self) -> bool:
        """False if it failed (on the worker thread: the loop's Event is not touched here)."""
        with self._lock:
            if self._closed:
                return True
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(self.path, check_same_thread=False)
                self._copy(self._conn)
            except sqlite3.Error as exc:
                log.warning("sqlite_checkpoint_failed", path=self.path, error=repr(exc))
                return False
            return True

    def _copy(self, connection: sqlite3.Connection) -> None:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


def inline_connector(
    path: str, timeout_seconds: float, on_write: Callable[[], None] | None = None
) -> Callable[[], Awaitable[Any]]:
    """The ``async_creator`` for ``create_async_engine``: a new inline connection to ``path``;
    ``on_write`` is told of each commit that wrote rows."""

    async def connect() -> InlineConnection:
        # The pool may close a connection from the garbage collector's thread.
        connection = sqlite3.connect(path, timeout=timeout_seconds, check_same_thread=False)
        return InlineConnection(connection, on_write)

    return connect
