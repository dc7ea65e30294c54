"""Reading and writing the real broker directly, as an outside observer would; and a bare
consumer under the delivery rules, for tests of the rules themselves."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

if TYPE_CHECKING:
    from shared.messaging import Messaging
    from shared.subscription import RawHandler
    from shared.topics import Topics


async def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def read_all(bootstrap: str, topic: str) -> list[bytes]:
    """Everything on the topic now, from the beginning, without joining a consumer group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        values: list[bytes] = []
        for tp in tps:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=1000)
                for record in batch.get(tp, []):
                    values.append(record.value)
        return values
    finally:
        await consumer.stop()


async def read_json(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    out = []
    for raw in await read_all(bootstrap, topic):
        try:
            out.append(json.loads(raw))
        except ValueError:
            out.append({"_raw": raw.decode("utf-8", "replace")})
    return out


async def events_of(
    bootstrap: str, topic: str, order_id: str, kind: str | None = None
) -> list[dict[str, Any]]:
    return [
        e
        for e in await read_json(bootstrap, topic)
        if e.get("order_id") == order_id and (kind is None or e.get("type") == kind)
    ]


def consumer_on(
    bootstrap: str,
    topics: Topics,
    group_id: str,
    handle: RawHandler,
    *,
    attempts: int,
    **tuning: Any,
) -> Messaging:
    """A raw consumer of ``topics.orders`` under the delivery rules, dead-lettering to
    ``topics.dlq``, with a short session so a test's group settles quickly. Not started."""
    from shared.messaging import make_broker, subscribe
    from shared.settings import ServiceSettings

    broker = make_broker(ServiceSettings(kafka_bootstrap=bootstrap))
    subscribe(
        broker,
        topic=topics.orders,
        group_id=group_id,
        consumer=tuning.pop("consumer", "test"),
        handle=handle,
        attempts=attempts,
        dlq=topics.dlq,
        session_timeout_ms=2500,
        **tuning,
    )
    return broker
