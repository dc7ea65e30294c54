"""One consumer group member that keeps the delivery rules, a fetch's batch at a time.

- The offsets are committed only after the batch's database transaction committed: one
  transaction and one offset commit for what a fetch brought from all its partitions (bounded
  by ``max_batch`` and the fetch wait).
- Messages of types the consumer does not handle are dropped from their ``gridline-type``
  header, before any decoding or transaction; their offsets are committed with the batch.
- A batch that fails is handled again partition by partition, message by message, so only the
  bad message is retried and, if it keeps failing while the database answers, dead-lettered.
- A transient fault (database or broker away, timeout, serialization failure, deadlock) is not
  the message's fault: the partitions are paused and rewound to their first unfinished message,
  retried with capped backoff for as long as it takes, nothing committed past it, and the
  service reports not ready meanwhile. Nothing is dead-lettered for a fault of the surroundings.
"""

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts import PoisonMessage
from shared.faults import Gate, Health, is_transient
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.metrics import (
    ASSIGNED_PARTITIONS,
    BATCHES,
    CONSUMER_STALLED,
    DEAD_LETTERED,
    EVENTS_CONSUMED,
    HANDLER_SECONDS,
    SKIPPED,
)
from shared.offsets import commit_offsets, set_fetch_wait
from shared.subscription import (
    TYPE_HEADER,
    DeadLetter,
    Probe,
    Record,
    Subscription,
    Tuning,
    always_healthy,
)

log = get_logger(__name__)


@dataclass
class _Stall:
    offset: int
    backoff: float
    retry_at: float


@dataclass
class Consumer:
    bootstrap: str
    sub: Subscription
    dead_letter: DeadLetter
    health: Health
    tuning: Tuning = field(default_factory=Tuning)
    probe: Probe = always_healthy
    gate: Gate = field(default_factory=Gate)  # closed while the broker may have lost its log
    client_id: str = "gridline"
    _restart: asyncio.Event = field(default_factory=asyncio.Event)
    _stalled: dict[TopicPartition, _Stall] = field(default_factory=dict)

    @property
    def fault_name(self) -> str:
        return f"consumer:{self.sub.consumer}"

    def restart(self) -> None:
        """Leave the group and join afresh, from committed offsets (after a broker lost its
        memory: from the beginning of the rebuilt log)."""
        self._restart.set()

    async def run(self) -> None:
        while True:
            self._restart.clear()
            self._stalled.clear()
            self._report()
            kafka = AIOKafkaConsumer(
                self.sub.topic,
                bootstrap_servers=self.bootstrap,
                group_id=self.sub.group_id,
                client_id=self.client_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                session_timeout_ms=self.tuning.session_timeout_ms,
                # Kafka's own ratio, three per session: each heartbeat is a request served idle.
                heartbeat_interval_ms=max(100, self.tuning.session_timeout_ms // 3),
                max_poll_interval_ms=self.tuning.max_poll_interval_ms,
                fetch_max_wait_ms=self.tuning.fetch_max_wait_ms,
                # aiokafka's fetch routine also wakes on this timer (5x/s by default) although
                # a response, a consumed batch, a seek, a resume and a rebalance wake it anyway.
                consumer_timeout_ms=self.tuning.idle_fetch_wait_ms,
            )
            try:
                await kafka.start()
                await self._loop(kafka)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer_restarting", consumer=self.sub.consumer, error=repr(exc))
                self.health.fault(self.fault_name, f"consumer failed: {exc!r}", "broker")
                await asyncio.sleep(self.tuning.stall_backoff_max)
            finally:
                with contextlib.suppress(Exception):
                    await kafka.stop()

    async def _loop(self, kafka: AIOKafkaConsumer) -> None:
        busy_at, wait = time.monotonic(), self.tuning.fetch_max_wait_ms
        while not self._restart.is_set():
            timeout_ms = self._resume_due(kafka)
            if wait > self.tuning.fetch_max_wait_ms:  # backing off: one poll per fetch
                timeout_ms = min(timeout_ms, wait)
            batches = await kafka.getmany(timeout_ms=timeout_ms, max_records=self.tuning.max_batch)
            if not batches:
                wait = self.tuning.next_fetch_wait(wait, time.monotonic() - busy_at)
                set_fetch_wait(kafka, wait)
                continue
            busy_at, wait = time.monotonic(), self.tuning.fetch_max_wait_ms
            set_fetch_wait(kafka, wait)
            await self.gate.wait_open()  # the broker may have lost its memory: await the verdict
            if self._restart.is_set():
                return  # positions from before a broker reset mean nothing now
            ready = {
                tp: records
                for tp, records in batches.items()
                if (stall := self._stalled.get(tp)) is None or stall.retry_at == float("inf")
            }
            if ready:
                await self._fetched(kafka, ready)

    def _resume_due(self, kafka: AIOKafkaConsumer) -> int:
        """Resumes stalled partitions whose wait is over; how long the next poll may wait."""
        assigned = kafka.assignment()
        ASSIGNED_PARTITIONS.labels(self.sub.consumer).set(len(assigned))
        for tp in [tp for tp in self._stalled if tp not in assigned]:
            del self._stalled[tp]  # moved to another member by a rebalance
        now = time.monotonic()
        wait = self.tuning.idle_fetch_wait_ms / 1000  # records wake the poll sooner
        for tp, stall in list(self._stalled.items()):
            if now >= stall.retry_at:
                kafka.resume(tp)
                stall.retry_at = float("inf")
            else:
                wait = min(wait, stall.retry_at - now)
        self._report()
        return max(1, int(wait * 1000))

    async def _fetched(
        self, kafka: AIOKafkaConsumer, batches: dict[TopicPartition, list[Record]]
    ) -> None:
        """What one fetch brought from all its partitions, in one transaction and one offset
        commit: under load a fetch holds a message or two per partition, and a transaction each
        cost most of a message's CPU (issue 14). A failure of the messages' own: one message at
        a time, partition by partition. A transient fault: every partition stalls."""
        kept = {tp: [r for r in records if self._wanted(r)] for tp, records in batches.items()}
        skipped = sum(map(len, batches.values())) - sum(map(len, kept.values()))
        if skipped:
            SKIPPED.labels(self.sub.consumer).inc(skipped)
        done = await self._as_one([r for records in kept.values() for r in records])
        if done is None:
            for tp, records in batches.items():
                self._stall(kafka, tp, records[0].offset)
            return
        offsets = {}
        for tp, records in batches.items():
            stall_at = None if done else await self._one_by_one(kept[tp])
            if stall_at is None:
                self._stalled.pop(tp, None)
                offsets[tp] = records[-1].offset + 1
                continue
            if stall_at > records[0].offset:
                offsets[tp] = stall_at
            self._stall(kafka, tp, stall_at)
        self._report()
        if offsets:
            await self._commit(kafka, offsets)

    def _wanted(self, record: Record) -> bool:
        if self.sub.wanted is None:
            return True
        for name, value in record.headers or ():
            if name == TYPE_HEADER:
                return value.decode("utf-8", "replace") in self.sub.wanted
        return True  # no header (an outside producer): decode it and let the handler decide

    async def _as_one(self, records: list[Record]) -> bool | None:
        """True if the records were handled in one batch (or there were none), False if they
        must go one at a time, None after a transient fault."""
        if not records:
            return True
        if self.sub.handle_batch is None or len(records) < 2:
            return False
        started = time.perf_counter()
        try:
            await self.sub.handle_batch([r.value for r in records])
        except Exception as exc:
            if is_transient(exc):
                self._fault(exc)
                return None
            log.info(
                "batch_failed_one_by_one",
                consumer=self.sub.consumer,
                size=len(records),
                error=mask_phone(repr(exc))[:300],
            )
            return False
        _handled(self.sub.consumer, len(records), started)
        return True

    async def _one_by_one(self, records: list[Record]) -> int | None:
        """The offset to stall at if a transient fault stopped them, else None."""
        for record in records:
            if not await self._one(record):
                return int(record.offset)
        return None

    async def _one(self, record: Record) -> bool:
        """One message with bounded retries, then the DLQ; False if a transient fault stopped
        it."""
        started, attempt = time.perf_counter(), 0
        while True:
            attempt += 1
            try:
                await self.sub.handle(record.value)
            except PoisonMessage as exc:
                reason = f"poison: {exc}"
                break
            except Exception as exc:
                if is_transient(exc):
                    self._fault(exc)
                    return False
                if attempt < self.sub.attempts:
                    await asyncio.sleep(min(0.05 * 2**attempt, self.tuning.retry_wait_max))
                    continue
                # The same failure every time. Poison only if the database answers; otherwise
                # the failure is the database's, whatever it looked like.
                if not await self.probe():
                    self._fault(exc)
                    return False
                reason = f"failed after {self.sub.attempts} attempts: {type(exc).__name__}: {exc}"
                break
            else:
                _handled(self.sub.consumer, 1, started)
                return True
        try:
            await self.dead_letter(record, reason)
        except Exception as exc:
            log.error("dead_letter_failed", consumer=self.sub.consumer, error=repr(exc))
            self._fault(exc, "broker")
            return False
        EVENTS_CONSUMED.labels(self.sub.consumer, "dead_lettered").inc()
        DEAD_LETTERED.labels(self.sub.consumer).inc()
        return True

    def _fault(self, exc: BaseException, kind: str = "database") -> None:
        log.warning(
            "transient_fault", consumer=self.sub.consumer, error=mask_phone(repr(exc))[:300]
        )
        self.health.fault(self.fault_name, repr(exc), kind)

    def _stall(self, kafka: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        previous = self._stalled.get(tp)
        cap = self.tuning.stall_backoff_max
        backoff = 0.1 if previous is None else min(previous.backoff * 2, cap)
        self._stalled[tp] = _Stall(offset, backoff, time.monotonic() + backoff)
        with contextlib.suppress(Exception):  # a rebalance may have taken the partition
            kafka.pause(tp)
            kafka.seek(tp, offset)
        self._report()

    def _report(self) -> None:
        CONSUMER_STALLED.labels(self.sub.consumer).set(len(self._stalled))
        if not self._stalled:
            self.health.clear(self.fault_name)

    async def _commit(self, kafka: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        # Committing an old broker's offset into a new, empty one would skip the rebuilt log.
        if not self._restart.is_set():
            await commit_offsets(kafka, offsets, self.gate, self.sub.consumer)


def _handled(consumer: str, count: int, started: float) -> None:
    HANDLER_SECONDS.labels(consumer).observe(time.perf_counter() - started)
    BATCHES.labels(consumer).observe(count)
    EVENTS_CONSUMED.labels(consumer, "ok").inc(count)
