"""The delivery rules, proved on the real broker: bounded retries, then the dead-letter topic,
and the consumer moves on."""

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest

from gridline.broker import EmbeddedBroker
from shared.topics import Topics, ensure_topics
from tests.support.databases import DatabaseFactory
from tests.support.kafka import consumer_on, produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration


class Flaky(Exception):
    """A transient failure, as a dropped database connection would be."""


async def test_a_handler_that_fails_twice_then_succeeds_takes_effect_once_and_one_that_always_fails_is_dead_lettered(  # noqa: E501
    kafka: EmbeddedBroker,
) -> None:
    topics = Topics.named("delivery")
    await ensure_topics(kafka.bootstrap, topics.specs(1))
    attempts: Counter[str] = Counter()
    effects: list[str] = []

    async def handle(raw: bytes) -> None:
        name = raw.decode()
        attempts[name] += 1
        if name == "flaky" and attempts[name] <= 2:
            raise Flaky("database connection dropped")
        if name == "broken":
            raise ValueError("cannot handle this one, ever")
        effects.append(name)

    broker = consumer_on(
        kafka.bootstrap, topics, "delivery-test", handle, attempts=3, wait_max_seconds=0.05
    )
    await broker.start()
    try:
        for value in (b"flaky", b"broken", b"after"):
            await produce(kafka.bootstrap, topics.orders, value, key=b"k")

        async def all_done() -> None:
            assert effects == ["flaky", "after"]

        await eventually(all_done)
        assert attempts == {"flaky": 3, "broken": 3, "after": 1}

        letters = await read_json(kafka.bootstrap, topics.dlq)
        assert len(letters) == 1
        letter = letters[0]
        assert letter["payload"] == "broken"
        assert letter["source_topic"] == topics.orders
        assert letter["offset"] == 1
        assert "ValueError: cannot handle this one, ever" in letter["reason"]
        assert "after 3 attempts" in letter["reason"]
    finally:
        await broker.stop()

    # The offsets were committed: a new member of the same group re-reads nothing.
    seen: list[bytes] = []

    async def record(raw: bytes) -> None:
        seen.append(raw)

    again = consumer_on(kafka.bootstrap, topics, "delivery-test", record, attempts=1)
    await again.start()
    try:
        await produce(kafka.bootstrap, topics.orders, b"fresh", key=b"k")

        async def fresh_only() -> None:
            assert seen == [b"fresh"]

        await eventually(fresh_only)
    finally:
        await again.stop()


async def test_a_poison_event_on_the_order_log_goes_to_the_dlq_with_its_reason(
    kafka: EmbeddedBroker, tmp_path: Path
) -> None:
    env = Environment(kafka.bootstrap, DatabaseFactory("sqlite", tmp_path, None))
    async with run_system(env, only=("router",)):
        await produce(kafka.bootstrap, env.topics.orders, b"{this is not json", key=b"x")
        bad_type = {"type": "OrderReceived", "order_id": "GL-1", "payload": {"source": "fax"}}
        await produce(kafka.bootstrap, env.topics.orders, json.dumps(bad_type).encode(), key=b"y")

        async def dead_lettered() -> list[dict[str, object]]:
            letters = await read_json(kafka.bootstrap, env.topics.dlq)
            assert len(letters) == 2
            return letters

        letters = await eventually(dead_lettered)
        reasons = sorted(str(letter["reason"]) for letter in letters)
        assert reasons[0].startswith("poison: invalid OrderReceived")
        assert reasons[1].startswith("poison: not JSON")
        assert all(letter["source_topic"] == env.topics.orders for letter in letters)


async def test_a_dead_letter_is_replayed_to_its_topic_once_its_cause_is_fixed(
    kafka: EmbeddedBroker,
) -> None:
    from typer.testing import CliRunner

    from gridline.commands import dlq

    topics = Topics.named("replay")
    await ensure_topics(kafka.bootstrap, topics.specs(1))
    fixed = False
    effects: list[bytes] = []

    async def handle(raw: bytes) -> None:
        if not fixed:
            raise RuntimeError("org.yaml lacks the grid for 13906351234's address")
        effects.append(raw)

    broker = consumer_on(
        kafka.bootstrap, topics, "replay-test", handle, attempts=2, wait_max_seconds=0.05
    )
    await broker.start()
    try:
        await produce(kafka.bootstrap, topics.orders, b"needs-fix", key=b"GL-9")

        async def dead_lettered() -> None:
            assert len(await read_json(kafka.bootstrap, topics.dlq)) == 1

        await eventually(dead_lettered)
        runner = CliRunner()
        listed = await asyncio.to_thread(
            runner.invoke,
            dlq.app,
            ["list", "--bootstrap", kafka.bootstrap, "--namespace", "replay"],
        )
        assert listed.exit_code == 0, listed.output
        assert "#0" in listed.output and "replay.gridline.orders[0]@0" in listed.output
        assert "139****1234" in listed.output and "13906351234" not in listed.output

        fixed = True
        replayed = await asyncio.to_thread(
            runner.invoke,
            dlq.app,
            ["replay", "0", "--bootstrap", kafka.bootstrap, "--namespace", "replay"],
        )
        assert replayed.exit_code == 0, replayed.output

        async def handled() -> None:
            assert effects == [b"needs-fix"]

        await eventually(handled)
    finally:
        await broker.stop()
