"""A service's life: database and migrations, topics, broker, outbox relay and background loops.

Each service's ``app.py`` builds one ``ServiceRuntime`` and hands its ``lifespan`` to FastAPI;
nothing here runs at import time.
"""

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI

from shared import failpoints
from shared.broker_watch import BrokerWatch
from shared.clock import Clock
from shared.contracts import (
    parse_activity_event,
    parse_order_event,
)
from shared.db import Database
from shared.faults import Health, is_transient
from shared.inbox import Inbox, InboxMixin
from shared.logging import ensure_masked_logging, get_logger
from shared.messaging import make_broker, subscribe
from shared.migrations import upgrade
from shared.outbox import Outbox, OutboxMixin
from shared.settings import ServiceSettings
from shared.topics import ensure_topics
from shared.unit_of_work import (
    CommandBus,
    HandlerTable,
    UnitsOfWork,
    event_type_names,
)

log = get_logger(__name__)
STOP_SECONDS = 5.0


async def cancel_all(tasks: list[asyncio.Task[None]], within: float) -> list[str]:
    """Cancels the tasks and waits for them at most ``within`` seconds; the names of those
    still running. A loop that does not answer its cancellation (a Kafka client's close waiting
    on a connection that will not finish) must not hold a service's shutdown forever."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return []
    _, stuck = await asyncio.wait(tasks, timeout=within)
    return sorted(task.get_name() for task in stuck)


D = TypeVar("D")

Background = Callable[[], Awaitable[None]]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        clock: Clock,
        migrations_dir: Path,
        outbox_model: type[OutboxMixin],
        inbox_model: type[InboxMixin],
    ) -> None:
        ensure_masked_logging()
        self.settings = settings
        self.clock = clock
        self.health = Health()
        self.db = Database(
            settings.resolved_database_url(),
            settings.sqlite_busy_timeout_ms,
            inline=settings.sqlite_inline,
        )
        self.broker = make_broker(settings, self.health)
        self.topics = settings.topics()
        self.outbox = Outbox(
            outbox_model, clock, self.topics, timedelta(hours=settings.outbox_retention_hours)
        )
        self.outbox.watch(self.db)
        self.inbox = Inbox(inbox_model)
        self.units = UnitsOfWork(self.db, self.outbox, clock)
        self.broker_watch = BrokerWatch(
            settings.kafka_bootstrap,
            self.topics.specs(settings.kafka_partitions),
            self.topics.sentinel(settings.service_name),
            self._rebuild_log,
            self.broker.gate,
            self.health,
            replication=settings.kafka_replication,
            check_seconds=settings.broker_check_seconds,
            backoff_max=settings.fault_backoff_max_seconds,
        )
        self._migrations_dir = migrations_dir
        self._background: list[tuple[str, Background]] = []
        self._tasks: list[asyncio.Task[None]] = []

    # --- wiring -------------------------------------------------------------------------------

    def consume_orders(self, consumer: str, table: HandlerTable[D], deps: D) -> None:
        """Consumes ``gridline.orders`` idempotently under this service's consumer group, each
        event to its handler in ``table`` (the service's ``EVENTS``). Types not in the table are
        dropped from their header before any decoding or transaction."""
        self._consume(self.topics.orders, consumer, parse_order_event, table, deps)

    def consume_activity(self, consumer: str, table: HandlerTable[D], deps: D) -> None:
        self._consume(self.topics.activity, consumer, parse_activity_event, table, deps)

    def commands(self, table: HandlerTable[D], deps: D) -> CommandBus[D]:
        """The bus the HTTP layer hands commands to (the service's ``COMMANDS``)."""
        return CommandBus(self.units, table, deps)

    def on_raw(
        self,
        topic: str,
        consumer: str,
        handle: Callable[[bytes], Awaitable[None]],
        handle_batch: Callable[[Sequence[bytes]], Awaitable[None]] | None = None,
        types: Iterable[str] | None = None,
    ) -> None:
        """For inputs that are not our envelopes (e.g. ``gridline.intake.raw``)."""
        settings = self.settings
        subscribe(
            self.broker,
            topic=topic,
            group_id=f"{settings.group_id()}.{consumer}",
            consumer=consumer,
            handle=handle,
            attempts=settings.handler_attempts,
            dlq=self.topics.dlq,
            session_timeout_ms=settings.kafka_session_timeout_ms,
            handle_batch=handle_batch,
            wanted=frozenset(types) if types is not None else None,
            probe=self.db.ping,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            idle_fetch_wait_ms=settings.kafka_idle_fetch_wait_ms,
            max_batch=settings.consumer_max_batch,
        )

    def background(self, name: str, loop: Background) -> None:
        self._background.append((name, loop))

    def _consume(
        self,
        topic: str,
        consumer: str,
        parse: Callable[[bytes], Any],
        table: HandlerTable[Any],
        deps: Any,
    ) -> None:
        service = self.settings.service_name
        types = event_type_names(table)

        async def handle_batch(raws: Sequence[bytes]) -> None:
            # A message that cannot be parsed fails the batch; the consumer then goes one by
            # one and only that message is dead-lettered.
            events = [e for e in (parse(raw) for raw in raws) if e is not None]
            if not events:
                return  # types this consumer does not know: not ours to handle
            async with self.units.begin() as uow:
                ids = [getattr(e, "event_id") for e in events]  # noqa: B009 - every envelope
                fresh = await self.inbox.claim_many(uow.session, ids, consumer, uow.now)
                for event in events:
                    event_id = str(getattr(event, "event_id"))  # noqa: B009
                    if event_id not in fresh:
                        continue
                    fresh.discard(event_id)  # the same event twice in one batch: once
                    handler = table.get(type(event))
                    if handler is not None:
                        uow.emit(await handler(event, uow, deps))
                    # SQLite statements run inline and never suspend: let the loop serve
                    # requests, fetches and heartbeats between one event and the next.
                    await asyncio.sleep(0)
                failpoints.hit(f"{service}.{consumer}.before_commit")
            failpoints.hit(f"{service}.{consumer}.after_commit")

        async def handle(raw: bytes) -> None:
            await handle_batch([raw])

        self.on_raw(topic, consumer, handle, handle_batch, types)

    async def _rebuild_log(self) -> None:
        """The broker lost its memory: republish the retained outbox, rejoin from the start."""
        backoff = 0.1
        while True:
            try:
                requeued = await self.outbox.requeue_retained(self.db)
                break
            except Exception as exc:
                if not is_transient(exc):
                    raise
                self.health.fault("outbox-requeue", repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.settings.fault_backoff_max_seconds)
        self.health.clear("outbox-requeue")
        self.broker.restart_consumers()
        log.warning("log_rebuilt_from_outbox", requeued=requeued)

    # --- life ---------------------------------------------------------------------------------

    async def start(self) -> None:
        settings = self.settings
        failpoints.configure(settings.failpoints)
        await self.db.start()
        await upgrade(self.db, self._migrations_dir)
        await ensure_topics(
            settings.kafka_bootstrap,
            self.topics.specs(settings.kafka_partitions),
            replication=settings.kafka_replication,
        )
        # A broker that does not know us (fresh, or restarted empty while we were down) gets
        # our part of the log before our consumers join.
        await self.broker_watch.check()
        await self.broker.start()
        gate = self.broker.gate

        async def publish(topic: str, key: bytes, value: bytes, kind: str) -> Awaitable[object]:
            if not gate.is_open():
                # The broker is being checked (and perhaps given the log back): this round's
                # rows may no longer be the oldest unsent. Wait, then read them again.
                await gate.wait_open()
                raise ConnectionError("the broker was checked meanwhile: reading rows again")
            return await self.broker.publish(topic, key, value, kind)

        self._spawn(
            "outbox-relay",
            lambda: self.outbox.run_relay(
                self.db,
                publish,
                settings.outbox_poll_seconds,
                settings.fault_backoff_max_seconds,
                settings.outbox_takeover_seconds,
            ),
        )
        self._spawn("outbox-housekeeping", lambda: self.outbox.run_housekeeping(self.db))
        self._spawn("broker-watch", self.broker_watch.run)
        for name, loop in self._background:
            self._spawn(name, loop)
        # What start built (modules, the app, engines, rule files) lives as long as the process:
        # kept out of the collector's scans, which otherwise walked it all again at every full
        # collection (~0.4 ms of CPU per order across the services, issue 14).
        gc.collect()
        gc.freeze()
        self.health.mark_started()
        log.info("service_started", port=settings.resolved_port())

    def _spawn(self, name: str, loop: Background) -> None:
        async def guarded() -> None:
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background_loop_crashed", loop=name)
                raise

        self._tasks.append(asyncio.create_task(guarded(), name=name))

    async def stop(self) -> None:
        self.health.mark_started(False)
        for name in await cancel_all(self._tasks, STOP_SECONDS):
            log.warning("background_loop_did_not_stop", loop=name)
        self._tasks.clear()
        await self.broker.stop()
        await self.db.stop()

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        await self.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            await self.stop()
