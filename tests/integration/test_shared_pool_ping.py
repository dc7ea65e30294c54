"""A pooled PostgreSQL connection is pinged only after it sat idle (issue 14: a ping on every
checkout cost ~120 µs of CPU per transaction): one that died while idle is replaced without the
caller noticing; one that died in the moment since its last use fails as a disconnect, the
transient fault the consumers retry."""

import asyncio

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared.db import Database
from shared.faults import is_transient
from tests.support.databases import require_postgres

pytestmark = pytest.mark.integration


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(admin_url: str, pid: int) -> None:
    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await conn.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


async def test_a_connection_that_died_while_idle_is_replaced_at_checkout() -> None:
    admin = await require_postgres()
    db = Database(admin, ping_idle_seconds=0.2)
    await db.start()
    try:
        first = await _backend_pid(db)
        await _terminate(admin, first)
        await asyncio.sleep(0.3)  # idle longer than the ping threshold
        assert await _backend_pid(db) != first
    finally:
        await db.stop()


async def test_a_connection_that_died_since_its_last_use_fails_as_a_transient_fault() -> None:
    admin = await require_postgres()
    db = Database(admin, ping_idle_seconds=60)
    await db.start()
    try:
        first = await _backend_pid(db)
        await _terminate(admin, first)
        await asyncio.sleep(0.1)
        with pytest.raises(DBAPIError) as failed:
            await _backend_pid(db)
        assert is_transient(failed.value)
        assert await _backend_pid(db) != first  # the pool let go of the dead one
    finally:
        await db.stop()
