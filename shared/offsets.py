"""Offsets and fetch waits of a consumer: what ``shared.consumer`` asks of aiokafka beyond
reading messages."""

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.faults import Gate
from shared.logging import get_logger
from shared.metrics import OFFSET_COMMITS

log = get_logger(__name__)


async def commit_offsets(
    kafka: AIOKafkaConsumer, offsets: dict[TopicPartition, int], gate: Gate, consumer: str
) -> None:
    """Commits the offsets, unless the broker is suspected of having lost its memory.

    Not committing is always safe: the batch is read again and the inbox absorbs it.
    Committing an old broker's offset into a new, empty one would skip the rebuilt log, so a
    commit in flight is abandoned when the gate closes."""
    if not gate.is_open():
        return
    commit = asyncio.ensure_future(kafka.commit(offsets))
    closed = asyncio.ensure_future(gate.wait_closed())
    try:
        await asyncio.wait({commit, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
        if not commit.done():
            commit.cancel()
    if commit.cancelled():
        log.warning("offset_commit_abandoned", consumer=consumer)
        return
    exc = commit.exception()
    if exc is not None:
        # A rebalance or a broker away: the batch is read again and the inbox absorbs it.
        log.warning("offset_commit_failed", consumer=consumer, error=repr(exc))
        return
    OFFSET_COMMITS.labels(consumer).inc()


def set_fetch_wait(kafka: AIOKafkaConsumer, wait_ms: int) -> None:
    # aiokafka reads the wait from its fetcher for every request it builds but offers no setter;
    # if a release renames it, the consumer keeps the wait it was built with.
    fetcher = getattr(kafka, "_fetcher", None)
    if fetcher is not None and hasattr(fetcher, "_fetch_max_wait_ms"):
        fetcher._fetch_max_wait_ms = wait_ms
