"""Kafka plumbing: one producer and the service's consumers, with the delivery rules.

Offsets are committed by hand, only after the handler's database transaction committed (see
``shared.consumer``); a message that can never be processed goes to ``gridline.dlq`` with its
reason; a handler cancelled at shutdown commits nothing, so the message is read again after
restart. Built on aiokafka directly: the consumer pauses and rewinds a partition on a transient
fault, reads in batches, and rejoins its group afresh after a broker reset, none of which a
framework's per-message subscriber lets it do.
"""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from aiokafka.protocol.metadata import MetadataRequest
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from shared.consumer import Consumer
from shared.deadletters import letter_payload, letter_reason
from shared.faults import Gate, Health
from shared.logging import get_logger
from shared.settings import ServiceSettings
from shared.subscription import (
    TYPE_HEADER,
    BatchHandler,
    Probe,
    RawHandler,
    Record,
    Subscription,
    Tuning,
    always_healthy,
    letter_fields,
)

log = get_logger(__name__)

__all__ = ["TYPE_HEADER", "Messaging", "RawHandler", "make_broker", "subscribe"]


_original_metadata_init = MetadataRequest.__init__


def refuse_topic_auto_creation() -> None:
    """Our clients never ask the broker to create a topic by looking it up.

    aiokafka sends ``allow_auto_topic_creation=True`` with every metadata request and offers no
    setting for it. A broker that lost its memory would then recreate ``gridline.orders`` with
    its own default partition count the moment any consumer looks for it, before the services
    create it with theirs; producers that remember six partitions then send to partitions that
    do not exist. Topics are created only by ``ensure_topics`` and ``BrokerWatch``, with their
    partition count. (Apache Kafka in compose also runs with auto-creation off.)
    """

    def _init(
        self: MetadataRequest,
        topics: list[str] | None = None,
        allow_auto_topic_creation: bool | None = False,
    ) -> None:
        _original_metadata_init(self, topics, allow_auto_topic_creation)

    MetadataRequest.__init__ = _init


class Messaging:
    """The service's link to Kafka: a producer for the outbox relay and the DLQ, and consumers."""

    def __init__(self, settings: ServiceSettings, health: Health | None = None) -> None:
        refuse_topic_auto_creation()
        self.settings = settings
        self.bootstrap = settings.kafka_bootstrap
        self.health = health or Health()
        self.gate = Gate()
        self.consumers: list[Consumer] = []
        self._producer: AIOKafkaProducer | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def consume(self, sub: Subscription, tuning: Tuning, dlq: str, probe: Probe) -> None:
        async def dead_letter(record: Record, reason: str) -> None:
            await self.dead_letter(record, dlq=dlq, sub=sub, reason=reason)

        self.consumers.append(
            Consumer(
                self.bootstrap,
                sub,
                dead_letter,
                self.health,
                tuning,
                probe,
                self.gate,
                client_id=f"gridline-{self.settings.service_name}",
            )
        )

    async def start(self, wait_seconds: float = 30) -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            enable_idempotence=self.settings.kafka_idempotence,
            linger_ms=self.settings.kafka_linger_ms,
            client_id=f"gridline-{self.settings.service_name}",
        )
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type((KafkaConnectionError, OSError)),
            wait=wait_exponential(multiplier=0.1, max=2),
            stop=stop_after_delay(wait_seconds),
            reraise=True,
        ):
            with attempt:
                await producer.start()
        self._producer = producer
        for consumer in self.consumers:
            self._tasks.append(
                asyncio.create_task(consumer.run(), name=f"consumer-{consumer.sub.consumer}")
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._producer is not None:
            with contextlib.suppress(Exception):
                await self._producer.stop()
            self._producer = None

    def restart_consumers(self) -> None:
        for consumer in self.consumers:
            consumer.restart()

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("Messaging.start() has not been called")
        return self._producer

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, event_type: str | None = None
    ) -> Awaitable[object]:
        """Queues one message; the returned future resolves once the broker has it. A message
        the broker can never take (too large, say) raises here, at once."""
        headers = [(TYPE_HEADER, event_type.encode())] if event_type else None
        sent: Awaitable[object] = await self.producer.send(topic, value, key=key, headers=headers)
        return sent

    async def dead_letter(
        self, record: Record, *, dlq: str, sub: Subscription, reason: str
    ) -> None:
        reason = letter_reason(reason)
        letter = {
            "reason": reason,
            "consumer": sub.consumer,
            "group_id": sub.group_id,
            **letter_fields(record),
            "failed_at": datetime.now(UTC).isoformat(),
            **letter_payload(record.value),
        }
        log.warning(
            "dead_lettered",
            consumer=sub.consumer,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
        )
        await self.producer.send_and_wait(
            dlq,
            json.dumps(letter, ensure_ascii=False).encode(),
            key=record.key,
            headers=[
                ("x-reason", reason[:200].encode("ascii", "replace")),
                ("x-source-topic", record.topic.encode()),
            ],
        )


def make_broker(settings: ServiceSettings, health: Health | None = None) -> Messaging:
    return Messaging(settings, health)


def subscribe(
    broker: Messaging,
    *,
    topic: str,
    group_id: str,
    consumer: str,
    handle: RawHandler,
    attempts: int,
    dlq: str,
    session_timeout_ms: int = 10_000,
    wait_max_seconds: float = 2.0,
    handle_batch: BatchHandler | None = None,
    wanted: frozenset[str] | None = None,
    probe: Probe = always_healthy,
    fetch_max_wait_ms: int = 20,
    idle_fetch_wait_ms: int = 2000,
    max_batch: int = 100,
) -> None:
    """Registers ``handle`` (raw bytes in) on ``topic`` with the delivery rules above."""
    broker.consume(
        Subscription(topic, group_id, consumer, handle, attempts, handle_batch, wanted),
        Tuning(
            session_timeout_ms=session_timeout_ms,
            fetch_max_wait_ms=fetch_max_wait_ms,
            idle_fetch_wait_ms=idle_fetch_wait_ms,
            max_batch=max_batch,
            retry_wait_max=wait_max_seconds,
        ),
        dlq,
        probe,
    )


Publish = Callable[[str, bytes, bytes, str], Awaitable[Awaitable[object]]]
