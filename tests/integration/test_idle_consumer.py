"""An idle consumer costs next to nothing (issue 14): aiokafka's fetch routine woke five times a
second on its own timer, in every consumer of every service, although a response, a consumed
batch, a seek, a resume and a rebalance wake it anyway. Now its timer is the idle fetch wait."""

import asyncio
import uuid

import pytest
from aiokafka.consumer.fetcher import Fetcher

from gridline.broker import EmbeddedBroker
from shared.consumer import Consumer
from shared.faults import Health
from shared.subscription import Record, Subscription, Tuning
from shared.topics import TopicSpec, ensure_topics
from tests.support.kafka import produce
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


async def test_an_idle_consumer_wakes_at_its_idle_wait_not_five_times_a_second(
    kafka: EmbeddedBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = f"idle-{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka.bootstrap, [TopicSpec(topic, 3)])
    handled: list[bytes] = []

    async def handle(raw: bytes) -> None:
        handled.append(raw)

    async def dead_letter(record: Record, reason: str) -> None:
        raise AssertionError(f"nothing here is poison: {reason}")

    wakes = 0
    actions = Fetcher._get_actions_per_node

    def counted(self: Fetcher, assignment: object) -> object:
        nonlocal wakes
        wakes += 1
        return actions(self, assignment)

    monkeypatch.setattr(Fetcher, "_get_actions_per_node", counted)
    consumer = Consumer(
        kafka.bootstrap,
        Subscription(topic, f"idle-{topic}", "idle-test", handle, attempts=1),
        dead_letter,
        Health(),
        Tuning(fetch_max_wait_ms=20, idle_fetch_wait_ms=1000, idle_after_seconds=0.5),
    )
    running = asyncio.create_task(consumer.run())
    try:
        await produce(kafka.bootstrap, topic, b"hello")

        async def consumed() -> None:
            assert handled == [b"hello"]

        await eventually(consumed, within=30)
        await asyncio.sleep(3)  # quiet: the fetch wait climbs to its idle longest (1 s)
        wakes = 0
        await asyncio.sleep(3)
        # A fetch answered each second and a timer as long: about six. aiokafka's default timer
        # alone made fifteen in these three seconds.
        assert 0 < wakes <= 9, wakes
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
