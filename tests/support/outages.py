"""Realistic outages for the fault suite.

- PostgreSQL refuses connections: a TCP proxy stands between the service and PostgreSQL; cutting
  it drops every open connection and stops listening, so new ones are refused (ECONNREFUSED), as
  a database host that went away would; restoring listens again on the same port.
- SQLite refuses writes: another process's connection holds the file's write lock (``BEGIN
  EXCLUSIVE``, as a backup or a manual ``sqlite3`` session would), and the service's busy timeout
  is short, so its transactions fail with ``database is locked`` until the lock is released.
"""

import asyncio
import contextlib
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from gridline.broker import free_port


@dataclass
class TcpProxy:
    upstream_host: str
    upstream_port: int
    port: int = field(default_factory=free_port)
    _server: asyncio.Server | None = None
    _links: set[asyncio.StreamWriter] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._links -= {writer, up_writer}


class SqliteLock:
    """Another process's connection holding the write lock of a SQLite file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._release = threading.Event()
        self._held = threading.Event()
        self._thread: threading.Thread | None = None

    def _hold(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            self._held.set()
            self._release.wait()
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    async def take(self) -> None:
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._held.wait, 60)

    async def release(self) -> None:
        self._release.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 30)


class DatabaseOutage:
    """One service's database, made to refuse work on demand (PostgreSQL or SQLite)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._proxy: TcpProxy | None = None
        self._lock: SqliteLock | None = None

    async def prepare(self) -> dict[str, Any]:
        """Settings overrides that route the service through the outage."""
        if self.url.startswith("sqlite"):
            self._lock = SqliteLock(self.url.split(":///", 1)[1])
            return {"database_url": self.url, "sqlite_busy_timeout_ms": 300}
        prefix, _, rest = self.url.partition("@")
        hostport, _, database = rest.partition("/")
        host, _, port = hostport.partition(":")
        self._proxy = TcpProxy(host, int(port or 5432))
        await self._proxy.start()
        return {"database_url": f"{prefix}@127.0.0.1:{self._proxy.port}/{database}"}

    async def begin(self) -> None:
        if self._proxy is not None:
            await self._proxy.cut()
        if self._lock is not None:
            await self._lock.take()

    async def end(self) -> None:
        if self._proxy is not None:
            await self._proxy.start()
        if self._lock is not None:
            await self._lock.release()
            self._lock = SqliteLock(self._lock.path)

    async def close(self) -> None:
        if self._proxy is not None:
            await self._proxy.cut()
