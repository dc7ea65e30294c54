"""SQLite statements run on the event loop's thread (issue 14): aiosqlite ran each on its worker
thread, several hops per statement. Writes still commit, roll back and keep WAL readers apart."""

import asyncio
import sqlite3
import threading
from contextlib import closing, suppress
from pathlib import Path

import pytest
from sqlalchemy import event, text

from shared.db import Database
from shared.sqlite_inline import Checkpointer
from tests.support.polling import eventually


async def _thread_of_a_statement(db: Database) -> int:
    @event.listens_for(db.engine.sync_engine, "connect")
    def _register(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.create_function("tid", 0, threading.get_ident)  # type: ignore[attr-defined]

    async with db.snapshot() as session:
        return int((await session.execute(text("SELECT tid()"))).scalar_one())


@pytest.mark.parametrize(("inline", "on_loop"), [(True, True), (False, False)])
async def test_a_statement_runs_on_the_loops_thread_unless_told_otherwise(
    tmp_path: Path, inline: bool, on_loop: bool
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}", inline=inline)
    await db.start()
    try:
        ran_on = await _thread_of_a_statement(db)
        assert (ran_on == threading.get_ident()) is on_loop
    finally:
        await db.stop()


async def test_inline_writes_commit_roll_back_and_a_reader_sees_one_moment(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await db.start()
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (n INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await session.execute(text("INSERT INTO t VALUES (2)"))
                raise RuntimeError("refused")
        async with db.snapshot() as reader:
            before = (await reader.execute(text("SELECT count(*) FROM t"))).scalar_one()
            async with db.transaction() as writer:
                await writer.execute(text("INSERT INTO t VALUES (3)"))
            during = (await reader.execute(text("SELECT count(*) FROM t"))).scalar_one()
        async with db.snapshot() as after:
            total = (await after.execute(text("SELECT sum(n) FROM t"))).scalar_one()
        assert (before, during, total) == (1, 1, 4)
        assert await db.ping()
    finally:
        await db.stop()


async def test_the_wal_is_checkpointed_off_the_loop_not_at_commit(tmp_path: Path) -> None:
    """Commits run inline, so a checkpoint at commit (copying the WAL into the file and syncing
    it) would hold the loop: the service's connections leave it to the Checkpointer, which
    copies the pages on a worker thread soon after writes."""
    path = tmp_path / "wal.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.start()
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (n INTEGER)"))
        for n in range(50):
            async with db.transaction() as session:
                await session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
        async with db.snapshot() as session:
            autocheckpoint = (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar()
        assert autocheckpoint == 0

        async def in_the_file_itself() -> None:
            # The database file alone, without its WAL: only checkpointed pages are in it.
            copy = tmp_path / "copy.db"
            copy.write_bytes(path.read_bytes())
            with closing(sqlite3.connect(copy)) as conn:
                tables = conn.execute("SELECT name FROM sqlite_master").fetchall()
                assert tables == [("t",)]
                assert conn.execute("SELECT count(*) FROM t").fetchone() == (50,)

        await eventually(in_the_file_itself, within=10)
    finally:
        await db.stop()


async def test_stopping_waits_for_a_checkpoint_already_on_its_thread(tmp_path: Path) -> None:
    """Cancelling the checkpointer does not stop a checkpoint its worker thread has begun:
    closing the connection under it crashed the interpreter in CI. The close waits for it."""
    started, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    class SlowCheckpointer(Checkpointer):
        def _copy(self, connection: sqlite3.Connection) -> None:
            started.set()
            release.wait(5)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                outcome.append("copied")
            except sqlite3.ProgrammingError as exc:  # closed under it
                outcome.append(repr(exc))

    path = tmp_path / "busy.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    checkpointer = SlowCheckpointer(str(path), seconds=0.01)
    task = asyncio.create_task(checkpointer.run())
    assert await asyncio.to_thread(started.wait, 5)
    threading.Timer(0.2, release.set).start()
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    assert outcome == ["copied"]
    checkpointer._checkpoint()  # a late round after the close does not reopen it
    assert outcome == ["copied"]
