"""Batches keep the delivery rules: a process killed in the middle of a batch (before or after
its database commit) takes every message of the batch into effect once after restart, and a
poison message in the middle of a batch is dead-lettered alone while the others take effect once.

The messages are produced before the consumer starts, so they arrive as one batch: on one key
(one partition), or spread over keys (one fetch from several partitions, handled in one
transaction and one offset commit). And a consumer that names its types drops the others from
their header, before decoding.
"""

import asyncio
import uuid
from collections import Counter

import pytest
from prometheus_client import REGISTRY

from gridline.broker import EmbeddedBroker
from shared.failpoints import CRASH_EXIT_CODE
from shared.subscription import TYPE_HEADER
from shared.topics import Topics, ensure_topics
from tests.integration.test_crash_recovery import _received, _router
from tests.support.kafka import consumer_on, produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

BATCH = 12


async def _produce_batch(
    env: Environment, poison_at: int | None = None, spread: bool = False
) -> list[str]:
    await ensure_topics(env.bootstrap, env.topics.specs(3))
    orders = []
    for i in range(BATCH):
        if i == poison_at:
            value = b'{"type": "OrderReceived", "order_id": "GL-POISON", "payload": {}}'
        else:
            event = _received(f"GL-BATCH-{i:02d}")
            orders.append(event.order_id)
            value = event.model_dump_json().encode()
        key = f"key-{i}".encode() if spread else b"one-partition"
        await produce(env.bootstrap, env.topics.orders, value, key=key)
    return orders


async def _dispatches(env: Environment) -> Counter[str]:
    events = await read_json(env.bootstrap, env.topics.orders)
    # Distinct events: a relay may resend one (harmless); two dispatch events would be two effects.
    dispatched = {
        (e["order_id"], e["event_id"]) for e in events if e.get("type") == "OrderDispatched"
    }
    return Counter(order_id for order_id, _ in dispatched)


@pytest.mark.parametrize("spread", [False, True], ids=["one-partition", "partitions"])
@pytest.mark.parametrize("crash_at", ["before_commit", "after_commit"])
async def test_a_router_killed_in_the_middle_of_a_batch_dispatches_each_order_once(
    environment: Environment, crash_at: str, spread: bool
) -> None:
    from gridline.broker import free_port

    orders = await _produce_batch(environment, spread=spread)
    settings = await environment.settings(
        "router", port=free_port(), clock_start="2026-11-27T10:00:00+08:00"
    )
    crashing = _router(environment.env({**settings, "failpoints": f"router.dispatch.{crash_at}"}))
    assert await asyncio.to_thread(crashing.wait, 60) == CRASH_EXIT_CODE
    restarted = _router(environment.env(settings))
    try:

        async def all_dispatched() -> None:
            assert set(await _dispatches(environment)) == set(orders)

        await eventually(all_dispatched, within=60)
        restarted.terminate()
        await asyncio.to_thread(restarted.wait, 30)
        found = await _dispatches(environment)
        assert set(found.values()) == {1}, found
    finally:
        if restarted.poll() is None:
            restarted.kill()


@pytest.mark.parametrize("spread", [False, True], ids=["one-partition", "partitions"])
async def test_a_poison_message_in_the_middle_of_a_batch_is_dead_lettered_alone(
    environment: Environment, spread: bool
) -> None:
    orders = await _produce_batch(environment, poison_at=BATCH // 2, spread=spread)
    async with run_system(environment, only=("router",)):

        async def all_dispatched() -> None:
            assert set(await _dispatches(environment)) == set(orders)

        await eventually(all_dispatched, within=60)
        letters = await read_json(environment.bootstrap, environment.topics.dlq)
        assert len(letters) == 1
        assert "GL-POISON" in letters[0]["payload"]
        assert letters[0]["reason"].startswith("poison: invalid OrderReceived")
        assert set((await _dispatches(environment)).values()) == {1}


async def test_a_consumer_drops_the_types_it_does_not_handle_from_their_header(
    kafka: EmbeddedBroker,
) -> None:
    from aiokafka import AIOKafkaProducer

    topics = Topics.named(f"skip{uuid.uuid4().hex[:6]}")
    await ensure_topics(kafka.bootstrap, topics.specs(1))
    seen: list[bytes] = []

    async def handle(raw: bytes) -> None:
        seen.append(raw)

    broker = consumer_on(
        kafka.bootstrap,
        topics,
        "skip-test",
        handle,
        attempts=1,
        consumer="skip-test",
        wanted=frozenset({"OrderReceived"}),
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap)
    await producer.start()
    try:
        for kind in ("OrderReceived", "OrderDispatched", "SlaWarning", "OrderReceived"):
            headers = [(TYPE_HEADER, kind.encode())]
            await producer.send_and_wait(topics.orders, kind.encode(), key=b"k", headers=headers)
        await producer.send_and_wait(topics.orders, b"no header", key=b"k")
    finally:
        await producer.stop()
    skipped_before = REGISTRY.get_sample_value(
        "gridline_events_skipped_total", {"consumer": "skip-test"}
    )
    await broker.start()
    try:

        async def handled() -> None:
            assert seen == [b"OrderReceived", b"OrderReceived", b"no header"]

        await eventually(handled)
        skipped = REGISTRY.get_sample_value(
            "gridline_events_skipped_total", {"consumer": "skip-test"}
        )
        assert (skipped or 0) - (skipped_before or 0) == 2
    finally:
        await broker.stop()


async def test_one_fetch_from_several_partitions_is_one_transaction_and_one_offset_commit(
    kafka: EmbeddedBroker,
) -> None:
    topics = Topics.named(f"fetch{uuid.uuid4().hex[:6]}")
    await ensure_topics(kafka.bootstrap, topics.specs(3))
    for i in range(BATCH):
        await produce(kafka.bootstrap, topics.orders, f"m{i:02d}".encode(), key=f"k{i}".encode())
    batches: list[list[bytes]] = []

    async def handle(raw: bytes) -> None:
        batches.append([raw])

    async def handle_batch(raws: list[bytes]) -> None:
        batches.append(list(raws))

    def commits() -> float:
        sample = {"consumer": "fetch-test"}
        return REGISTRY.get_sample_value("gridline_offset_commits_total", sample) or 0.0

    committed_before = commits()
    broker = consumer_on(
        kafka.bootstrap,
        topics,
        "fetch-test",
        handle,
        attempts=1,
        consumer="fetch-test",
        handle_batch=handle_batch,
    )
    await broker.start()
    try:

        async def all_handled() -> None:
            assert sorted(m for batch in batches for m in batch) == [
                f"m{i:02d}".encode() for i in range(BATCH)
            ]

        await eventually(all_handled)
        # The twelve keys land on all three partitions; the first fetch brings them together.
        assert len(batches[0]) > 1 and len(batches) < 3, batches
        assert commits() - committed_before == len(batches)
    finally:
        await broker.stop()
