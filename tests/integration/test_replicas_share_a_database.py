"""Replicas of a service share its PostgreSQL database (issue 14, ``gridline bench --replicas``):
they migrate it together without tripping over each other, and a relay that finds another
replica relaying comes back for the rows committed meanwhile instead of waiting for its next
commit."""

import asyncio
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from services.router.app import MIGRATIONS
from services.router.store import OutboxRow
from shared.clock import ManualClock
from shared.contracts import OrderAcknowledged, OrderAcknowledgedPayload
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import Outbox
from shared.outbox_table import RELAY_LOCK
from shared.topics import Topics
from tests.support.databases import DatabaseFactory
from tests.support.polling import eventually

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def postgres_only(databases: DatabaseFactory) -> None:
    if databases.backend != "postgresql":
        pytest.skip("replicas share a PostgreSQL database; a SQLite file has one writer")


MIGRATE = """
import asyncio, sys
from services.router.app import MIGRATIONS
from shared.db import Database
from shared.migrations import upgrade

async def main() -> None:
    db = Database(sys.argv[1])
    await db.start()
    await upgrade(db, MIGRATIONS)
    await db.stop()

asyncio.run(main())
"""


@pytest.mark.usefixtures("postgres_only")
async def test_two_replicas_migrate_one_database_at_the_same_time(
    databases: DatabaseFactory,
) -> None:
    """Two processes, as replicas are: each migrates the fresh database at once at start."""
    url = await databases.url("router_replicas")
    replicas = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", MIGRATE, url, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(3)
    ]
    outcomes = [(await r.wait(), (await r.stderr.read())[-300:]) for r in replicas if r.stderr]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    db = Database(url)
    await db.start()
    try:
        async with db.snapshot() as session:
            versions = await session.scalar(text("SELECT count(*) FROM alembic_version"))
        assert versions == 1
    finally:
        await db.stop()


@pytest.mark.usefixtures("postgres_only")
async def test_a_relay_that_found_another_replica_relaying_comes_back_for_the_rows(
    databases: DatabaseFactory,
) -> None:
    db = Database(await databases.url("router_relay"))
    await db.start()
    await upgrade(db, MIGRATIONS)
    outbox = Outbox(OutboxRow, ManualClock(NOW), Topics.named("t"))
    published: list[bytes] = []

    async def publish(_topic: str, _key: bytes, value: bytes, _kind: str) -> asyncio.Future[None]:
        published.append(value)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    payload = OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department="UM")
    event = OrderAcknowledged(order_id="GL-1", occurred_at=NOW, producer="router", payload=payload)
    other_replica = await db.engine.connect()
    try:
        await other_replica.execute(text(f"SELECT pg_advisory_lock({RELAY_LOCK})"))
        await other_replica.commit()
        # Idle for an hour unless something wakes it: only the retry can publish the row.
        relay = asyncio.create_task(outbox.run_relay(db, publish, idle_seconds=3600))
        async with db.transaction() as session:
            await outbox.add(session, [event])
        outbox.wake()
        await asyncio.sleep(0.3)
        assert published == []  # the other replica holds the relay
        await other_replica.execute(text(f"SELECT pg_advisory_unlock({RELAY_LOCK})"))
        await other_replica.commit()

        async def sent() -> None:
            assert len(published) == 1
            async with db.snapshot() as session:
                unsent = (
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
                )
                assert await session.scalar(unsent) == 0

        await eventually(sent, within=20)
        relay.cancel()
    finally:
        await other_replica.close()
        await db.stop()
