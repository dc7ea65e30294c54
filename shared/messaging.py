"""Kafka plumbing: the broker factory and subscribers that keep the delivery rules.

FastStream's defaults are not our rules. Every subscriber here uses ``AckPolicy.MANUAL`` and
commits the offset only after the handler's database transaction committed. A failing handler is
retried a bounded number of times (tenacity, with backoff); after that, or at once for a message
that can never be processed (``PoisonMessage``), the message goes to ``gridline.dlq`` with its
reason and the consumer moves on. A handler cancelled at shutdown commits nothing, so the message
is read again after restart.
"""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from tenacity import (
    AsyncRetrying,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from shared.contracts import PoisonMessage
from shared.deadletters import letter_payload, letter_reason
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.metrics import DEAD_LETTERED, EVENTS_CONSUMED, HANDLER_SECONDS
from shared.settings import ServiceSettings

log = get_logger(__name__)

RawHandler = Callable[[bytes], Awaitable[None]]

# Handlers take milliseconds; the poll interval is a safety margin against a wedged process,
# far above any handler plus its retries.
MAX_POLL_INTERVAL_MS = 120_000


def make_broker(settings: ServiceSettings) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        client_id=f"gridline-{settings.service_name}",
        logger=None,
    )


def subscribe(
    broker: KafkaBroker,
    *,
    topic: str,
    group_id: str,
    consumer: str,
    handle: RawHandler,
    attempts: int,
    dlq: str,
    session_timeout_ms: int = 10_000,
    wait_max_seconds: float = 2.0,
) -> None:
    """Registers ``handle`` (raw bytes in) on ``topic`` with the delivery rules above."""

    subscriber = broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(100, session_timeout_ms // 6),
    )

    async def _consume(body: Any, msg: KafkaMessage) -> None:
        raw: bytes = msg.body
        started = time.perf_counter()
        reason: str | None = None
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(attempts),
                wait=wait_exponential(multiplier=0.05, max=wait_max_seconds),
                retry=retry_if_not_exception_type(PoisonMessage),
                reraise=True,
            ):
                with attempt:
                    await handle(raw)
        except PoisonMessage as exc:
            reason = f"poison: {exc}"
        except Exception as exc:
            reason = f"failed after {attempts} attempts: {type(exc).__name__}: {exc}"
        finally:
            HANDLER_SECONDS.labels(consumer).observe(time.perf_counter() - started)

        if reason is None:
            EVENTS_CONSUMED.labels(consumer, "ok").inc()
            await msg.ack()
            return
        try:
            await _dead_letter(
                broker, msg, dlq=dlq, consumer=consumer, group_id=group_id, reason=reason
            )
        except Exception as exc:
            # Nothing is committed past a message that is neither handled nor dead-lettered:
            # rewind and read it again after a pause.
            log.error("dead_letter_failed", consumer=consumer, error=repr(exc))
            await asyncio.sleep(wait_max_seconds)
            await msg.nack()
            return
        EVENTS_CONSUMED.labels(consumer, "dead_lettered").inc()
        DEAD_LETTERED.labels(consumer).inc()
        await msg.ack()

    subscriber(_consume)


async def _dead_letter(
    broker: KafkaBroker, msg: KafkaMessage, *, dlq: str, consumer: str, group_id: str, reason: str
) -> None:
    record = msg.raw_message
    if isinstance(record, tuple):  # batch subscribers are not used, but be exact about it
        record = record[0]
    reason = letter_reason(reason)
    letter = {
        "reason": reason,
        "consumer": consumer,
        "group_id": group_id,
        "source_topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", "replace") if record.key else None,
        "failed_at": datetime.now(UTC).isoformat(),
        **letter_payload(msg.body),
    }
    log.warning(
        "dead_lettered",
        consumer=consumer,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        reason=mask_phone(reason),
    )
    await broker.publish(
        json.dumps(letter, ensure_ascii=False).encode(),
        topic=dlq,
        key=record.key,
        headers={
            "x-reason": reason[:200].encode("ascii", "replace").decode(),
            "x-source-topic": record.topic,
        },
    )


def broker_publisher(
    broker: KafkaBroker,
) -> Callable[[str, bytes, bytes], Awaitable[Awaitable[object]]]:
    """The outbox relay's ``publish``: queue the send, hand back the broker's confirmation."""

    async def publish(topic: str, key: bytes, value: bytes) -> Awaitable[object]:
        return await broker.publish(value, topic=topic, key=key, no_confirm=True)

    return publish
