"""Replicas of a service share its PostgreSQL database (issue 14, ``gridline bench --replicas``):
they migrate it together without tripping over each other, a relay that finds another
replica relaying comes back for the rows committed meanwhile instead of waiting for its next
commit, and rows a replica committed and died before publishing are published by another's
relay within its look (``GRIDLINE_OUTBOX_TAKEOVER_SECONDS``), not its idle timer."""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import func, select, text

from gridline.broker import free_port
from services.router.app import MIGRATIONS
from services.router.store import OutboxRow
from shared.clock import ManualClock
from shared.contracts import OrderAcknowledged, OrderAcknowledgedPayload, OrderReceived
from shared.db import Database
from shared.failpoints import CRASH_EXIT_CODE
from shared.migrations import upgrade
from shared.outbox import Outbox, Publish
from shared.outbox_table import RELAY_LOCK
from shared.topics import Topics, ensure_topics
from tests.support.builders import order_received
from tests.support.databases import DatabaseFactory
from tests.support.polling import eventually
from tests.support.system import Environment

pytestmark = pytest.mark.integration

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


def _recording() -> tuple[list[bytes], Publish]:
    published: list[bytes] = []

    async def publish(_topic: str, _key: bytes, value: bytes, _kind: str) -> asyncio.Future[None]:
        published.append(value)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    return published, publish


def _acknowledged(order_id: str) -> OrderAcknowledged:
    payload = OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department="UM")
    return OrderAcknowledged(order_id=order_id, occurred_at=NOW, producer="router", payload=payload)


@pytest.mark.usefixtures("postgres_only")
async def test_an_idle_relay_publishes_rows_another_replica_committed_and_never_published(
    databases: DatabaseFactory,
) -> None:
    db = Database(await databases.url("router_takeover"))
    await db.start()
    await upgrade(db, MIGRATIONS)
    survivor = Outbox(OutboxRow, ManualClock(NOW), Topics.named("t"))
    dead = Outbox(OutboxRow, ManualClock(NOW), Topics.named("t"))  # its relay never runs
    published, publish = _recording()
    # Idle for an hour: nothing of its own wakes it, so only its look can find the rows.
    relay = asyncio.create_task(
        survivor.run_relay(db, publish, idle_seconds=3600, takeover_seconds=0.2)
    )
    try:
        async with db.transaction() as session:
            await survivor.add(session, [_acknowledged("GL-OWN")])
        survivor.wake()

        async def own_sent() -> None:
            assert len(published) == 1

        await eventually(own_sent, within=20)  # its first rounds are over: it is idle now
        async with db.transaction() as session:
            await dead.add(session, [_acknowledged(f"GL-LEFT-{i}") for i in range(3)])

        async def left_sent() -> None:
            assert [json.loads(v)["order_id"] for v in published[1:]] == [
                f"GL-LEFT-{i}" for i in range(3)
            ]
            async with db.snapshot() as session:
                unsent = (
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
                )
                assert await session.scalar(unsent) == 0

        await eventually(left_sent, within=20)
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay
        await db.stop()


# --- a replica killed between commit and publish, as processes ---------------------------------

IDLE_SECONDS = 3600  # the relays' idle timer: rows published before it were found by a look
LATE_SECONDS = 10.0  # the look's bound is 1 s plus a round; the rest is room for a busy machine


def _replica(settings: dict[str, Any], environment: Environment) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gridline", "serve", "router"],
        env={**os.environ, **environment.env(settings)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _ready(port: int) -> None:
    async with httpx.AsyncClient() as http:

        async def up() -> None:
            try:
                answer = await http.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            except httpx.HTTPError as exc:
                raise AssertionError(f"replica not up: {exc!r}") from exc
            assert answer.status_code == 200, answer.text

        await eventually(up, within=90)


async def _records(bootstrap: str, topic: str, key: str) -> list[tuple[float, dict[str, Any]]]:
    """The topic's messages with this key as (broker timestamp in s, event), in log order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found: list[tuple[float, dict[str, Any]]] = []
        for tp in tps:
            while await consumer.position(tp) < ends[tp]:
                for record in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                    if record.key == key.encode() and record.value is not None:
                        found.append((record.timestamp / 1000, json.loads(record.value)))
        return found
    finally:
        await consumer.stop()


async def _produce_to(bootstrap: str, topic: str, partition: int, event: OrderReceived) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        value, key = event.model_dump_json().encode(), event.order_id.encode()
        await producer.send_and_wait(topic, value, key=key, partition=partition)
    finally:
        await producer.stop()


async def _rows_of(url: str, key: str) -> list[Any]:
    db = Database(url)
    await db.start()
    try:
        return await db.fetch(
            select(OutboxRow.event_id, OutboxRow.created_at, OutboxRow.sent_at)
            .where(OutboxRow.key == key)
            .order_by(OutboxRow.id)
        )
    finally:
        await db.stop()


@pytest.mark.usefixtures("postgres_only")
@pytest.mark.parametrize("crash_at", ["before_publish", "after_publish"])
async def test_a_replica_killed_between_commit_and_publish_leaves_its_rows_to_another(
    environment: Environment, crash_at: str
) -> None:
    """Two router replicas in one consumer group on one database, relays idle for an hour. The
    crashing one dies the first time its relay has rows: killed before publishing, the survivor
    publishes them (once, in order) long before its idle timer; killed after publishing and
    before marking them sent, they go out twice with the same event ids (at-least-once)."""
    url = await environment.databases.url("router")
    topic = environment.topics.orders
    await ensure_topics(environment.bootstrap, environment.topics.specs(3))
    common = {"database_url": url, "outbox_poll_seconds": IDLE_SECONDS}
    survivor_port, crashing_port = free_port(), free_port()
    survivor = _replica(
        await environment.settings("router", port=survivor_port, **common), environment
    )
    crashing: subprocess.Popen[bytes] | None = None
    try:
        await _ready(survivor_port)
        # The crashing replica never looks for others' rows: it dies on rows it committed.
        crashing = _replica(
            await environment.settings(
                "router",
                port=crashing_port,
                failpoints=f"outbox.relay.{crash_at}",
                outbox_takeover_seconds=IDLE_SECONDS,
                **common,
            ),
            environment,
        )
        await _ready(crashing_port)
        # One order at a time, round the partitions, until one lands on the crashing replica:
        # the survivor has finished each before the next, so at the crash it is idle.
        order_id = ""
        for i in range(60):
            if crashing.poll() is not None:
                break
            order_id = f"GL-TAKEOVER-{i}"
            await _produce_to(
                environment.bootstrap, topic, i % 3, order_received(order_id, datetime.now(UTC))
            )

            async def settled(order_id: str = order_id) -> None:
                if crashing is not None and crashing.poll() is not None:
                    return
                rows = await _rows_of(url, order_id)
                assert rows and all(r.sent_at is not None for r in rows)

            await eventually(settled, within=30)
        code = await asyncio.to_thread(crashing.wait, 30)
        assert code == CRASH_EXIT_CODE, "the crashing replica should have died at the failpoint"

        async def taken_over() -> list[Any]:
            rows = await _rows_of(url, order_id)
            assert rows and all(r.sent_at is not None for r in rows)
            return rows

        rows = await eventually(taken_over, within=30)  # the idle timer is an hour away
        ids = [r.event_id for r in rows]
        records = await _records(environment.bootstrap, topic, order_id)
        mine = [(at, e) for at, e in records if e.get("type") != "OrderReceived"]
        if crash_at == "before_publish":
            # Once each, in the order committed, and soon after their commit.
            assert [e["event_id"] for _, e in mine] == ids
            created = {r.event_id: r.created_at.timestamp() for r in rows}
            late = {e["event_id"]: at - created[e["event_id"]] for at, e in mine}
            assert max(late.values()) < LATE_SECONDS, late
        else:
            # The crashed replica's copies, then the survivor's: same event ids, same order.
            assert [e["event_id"] for _, e in mine] == ids + ids
    finally:
        for process in (crashing, survivor):
            if process is not None and process.poll() is None:
                process.terminate()
                await asyncio.to_thread(process.wait, 30)
