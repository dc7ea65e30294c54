"""SQLite for SQLAlchemy's asyncio engine without a thread hop per statement (issue 14).

aiosqlite runs every call — each execute, fetch, commit — on its own worker thread and waits for
it on the event loop: about 3.5 hops per SQL statement, and the profile showed those hops were
most of a service's CPU (a consumed event cost ~3 ms this way; the same statements through plain
``sqlite3`` cost ~50 µs). A statement on a local SQLite file takes microseconds, so this module
hands SQLAlchemy's aiosqlite dialect a connection with aiosqlite's interface whose coroutines run
``sqlite3`` at once, on the loop's thread — all but the commit, which waits for the disk on a
worker thread: one hop per transaction instead of several per statement.

What makes that safe here: a service's writers queue on an asyncio lock before they begin
(``shared.db``), so no statement waits on a lock this process holds; readers use WAL snapshots,
which never wait. Only another *process* holding the write lock (an operator's ``gridline outbox
retry``) makes a statement wait, for at most ``busy_timeout``.
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self


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

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _RunNow()
        self._changes = connection.total_changes  # rows written when the last commit ended

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
        # The one hop per transaction: the commit is where SQLite waits for the disk (fsync,
        # a checkpoint), and the loop serves requests and heartbeats meanwhile. A transaction
        # that wrote no row (a read, the relay's look for unsent rows) has nothing to sync:
        # it ends inline.
        conn = self._open()
        if conn.total_changes == self._changes:
            conn.commit()
            return
        await asyncio.to_thread(conn.commit)
        self._changes = conn.total_changes

    async def rollback(self) -> None:
        conn = self._open()
        conn.rollback()
        self._changes = conn.total_changes

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """aiosqlite's forced close (a connection invalidated outside a greenlet)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def inline_connector(path: str, timeout_seconds: float) -> Callable[[], Awaitable[Any]]:
    """The ``async_creator`` for ``create_async_engine``: a new inline connection to ``path``."""

    async def connect() -> InlineConnection:
        # The pool may close a connection from the garbage collector's thread.
        return InlineConnection(
            sqlite3.connect(path, timeout=timeout_seconds, check_same_thread=False)
        )

    return connect
