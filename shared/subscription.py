"""What a consumer is given: its subscription, its tuning, and the shapes it passes around."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiokafka.structs import ConsumerRecord

TYPE_HEADER = "gridline-type"

RawHandler = Callable[[bytes], Awaitable[None]]
BatchHandler = Callable[[Sequence[bytes]], Awaitable[None]]
Record: TypeAlias = ConsumerRecord[bytes, bytes]
DeadLetter = Callable[[Record, str], Awaitable[None]]
Probe = Callable[[], Awaitable[bool]]


async def always_healthy() -> bool:
    return True


@dataclass(frozen=True)
class Subscription:
    topic: str
    group_id: str
    consumer: str
    handle: RawHandler
    attempts: int
    handle_batch: BatchHandler | None = None
    wanted: frozenset[str] | None = None
    """Event types handled, read from the header; ``None`` takes everything."""


@dataclass(frozen=True)
class Tuning:
    session_timeout_ms: int = 10_000
    # The embedded broker answers a fetch only when its wait is over, whatever arrives
    # meanwhile: a short wait makes a hop cost milliseconds under traffic, a long one makes an
    # idle consumer cost next to nothing. After ``idle_after_seconds`` without messages the
    # consumer doubles its wait at each empty fetch, up to ``idle_fetch_wait_ms`` (~2.5 s later).
    fetch_max_wait_ms: int = 20
    idle_fetch_wait_ms: int = 2000
    idle_after_seconds: float = 2.0
    max_batch: int = 100
    retry_wait_max: float = 2.0
    stall_backoff_max: float = 5.0
    # A stalled partition is paused while the consumer keeps polling, so the group membership
    # survives an outage of any length; this margin only catches a wedged process.
    max_poll_interval_ms: int = 300_000

    def next_fetch_wait(self, wait_ms: int, quiet_seconds: float) -> int:
        """The fetch wait after an empty poll, ``quiet_seconds`` since the last message: a lull
        costs little latency, a long quiet next to no CPU."""
        if quiet_seconds <= self.idle_after_seconds:
            return wait_ms
        return min(wait_ms * 2, self.idle_fetch_wait_ms)


def letter_fields(record: Record) -> dict[str, Any]:
    return {
        "source_topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", "replace") if record.key else None,
    }
