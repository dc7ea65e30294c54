"""The SLA service's work per order does not grow with the deadlines it holds (issue 25): on
order_id alone, SQLite's planner took a state index for the handlers' updates and walked every
open deadline per event, so CPU per order rose with weeks of unanswered orders.

No clock is read: the database's own count of the work done is compared for one order's whole
life at 10 and at 2,000 open deadlines — on SQLite the virtual machine's steps (its progress
handler), on PostgreSQL the rows the transaction read (``pg_stat_xact_user_tables``)."""

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.app import MIGRATIONS
from services.sla.bench.preload import full_life, preload
from services.sla.config import SlaSettings, load_deps
from services.sla.handlers import EVENTS
from shared.db import Database
from shared.migrations import upgrade
from shared.unit_of_work import UnitOfWork
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration

DEPS = load_deps(SlaSettings())
STEPS = 100  # SQLite VM instructions per progress-handler call
_ROWS_READ = text(
    "SELECT COALESCE(SUM(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0) "
    "FROM pg_stat_xact_user_tables"
)


@pytest.fixture
async def db(databases: DatabaseFactory) -> AsyncIterator[Database]:
    database = Database(await databases.url("sla"))
    await database.start()
    await upgrade(database, MIGRATIONS)
    yield database
    await database.stop()


async def _sqlite_of(session: AsyncSession) -> sqlite3.Connection:
    raw = await (await session.connection()).get_raw_connection()
    driver = raw.driver_connection
    conn = getattr(driver, "_connection", None) or getattr(driver, "_conn", None)
    assert isinstance(conn, sqlite3.Connection), f"no sqlite3 connection under {driver!r}"
    return conn


async def work_of_one_order(db: Database, order_id: str, now: datetime) -> int:
    """The database's work for one order's life (received, dispatched, signed for, resolved)
    through the service's handlers, in one transaction."""
    async with db.transaction() as session:
        uow = UnitOfWork(session, now)
        if db.is_postgres:
            before = int(await session.scalar(_ROWS_READ) or 0)
        else:
            steps = [0]

            def step() -> int:
                steps[0] += 1
                return 0  # go on

            conn = await _sqlite_of(session)
            conn.set_progress_handler(step, STEPS)
        try:
            for event in full_life(order_id, now):
                await EVENTS[type(event)](event, uow, DEPS)
        finally:
            if not db.is_postgres:
                conn.set_progress_handler(None, 0)
        if db.is_postgres:
            return int(await session.scalar(_ROWS_READ) or 0) - before
        return steps[0]


async def test_an_orders_work_does_not_grow_with_the_open_deadlines_held(db: Database) -> None:
    now = datetime.now(UTC)
    assert await preload(db, 10, DEPS, now) >= 10
    await work_of_one_order(db, "WARM-1", now)  # first statements fill caches, plans
    few = await work_of_one_order(db, "FEW-1", now)
    assert await preload(db, 2_000, DEPS, now) >= 2_000
    many = await work_of_one_order(db, "MANY-1", now)
    assert few > 0, "the meter counted nothing: the test would prove nothing"
    # Walking the open deadlines once per statement is thousands of rows (or steps) more.
    assert many <= few * 1.5 + 10, (few, many)
