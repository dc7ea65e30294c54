"""A service's life: database and migrations, topics, broker, outbox relay and background loops.

Each service's ``app.py`` builds one ``ServiceRuntime`` and hands its ``lifespan`` to FastAPI;
nothing here runs at import time.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared import failpoints
from shared.clock import Clock
from shared.contracts import (
    ActivityEvent,
    Event,
    OrderEvent,
    parse_activity_event,
    parse_order_event,
)
from shared.db import Database
from shared.inbox import Inbox, InboxMixin
from shared.logging import ensure_masked_logging, get_logger
from shared.messaging import broker_publisher, make_broker, subscribe
from shared.migrations import upgrade
from shared.outbox import Outbox, OutboxMixin
from shared.settings import ServiceSettings
from shared.topics import ensure_topics

log = get_logger(__name__)

E = TypeVar("E")
EventHandler = Callable[[E, AsyncSession, datetime], Awaitable[Sequence[Event]]]
"""Takes an event, the open transaction and ``now``; returns the events it causes."""

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
        self.db = Database(settings.resolved_database_url())
        self.broker = make_broker(settings)
        self.topics = settings.topics()
        self.outbox = Outbox(
            outbox_model, clock, self.topics, timedelta(hours=settings.outbox_retention_hours)
        )
        self.inbox = Inbox(inbox_model)
        self._migrations_dir = migrations_dir
        self._background: list[tuple[str, Background]] = []
        self._tasks: list[asyncio.Task[None]] = []

    # --- wiring -------------------------------------------------------------------------------

    def on_order_events(self, consumer: str, handler: EventHandler[OrderEvent]) -> None:
        """Consumes ``gridline.orders`` idempotently under this service's consumer group."""
        self._consume(self.topics.orders, consumer, parse_order_event, handler)

    def on_activity_events(self, consumer: str, handler: EventHandler[ActivityEvent]) -> None:
        self._consume(self.topics.activity, consumer, parse_activity_event, handler)

    def on_raw(self, topic: str, consumer: str, handle: Callable[[bytes], Awaitable[None]]) -> None:
        """For inputs that are not our envelopes (e.g. ``gridline.intake.raw``)."""
        subscribe(
            self.broker,
            topic=topic,
            group_id=f"{self.settings.group_id()}.{consumer}",
            consumer=consumer,
            handle=handle,
            attempts=self.settings.handler_attempts,
            dlq=self.topics.dlq,
            session_timeout_ms=self.settings.kafka_session_timeout_ms,
        )

    def background(self, name: str, loop: Background) -> None:
        self._background.append((name, loop))

    def _consume(
        self,
        topic: str,
        consumer: str,
        parse: Callable[[bytes], Any],
        handler: EventHandler[Any],
    ) -> None:
        service = self.settings.service_name

        async def handle(raw: bytes) -> None:
            event = parse(raw)
            if event is None:
                return  # a type this consumer does not know: not ours to handle
            event_id = getattr(event, "event_id")  # noqa: B009 - every envelope has one
            async with self.db.transaction() as session:
                now = self.clock.now()
                if not await self.inbox.claim(session, event_id, consumer, now):
                    return
                caused = await handler(event, session, now)
                self.outbox.add(session, caused)
                failpoints.hit(f"{service}.{consumer}.before_commit")
            failpoints.hit(f"{service}.{consumer}.after_commit")
            if caused:
                self.outbox.wake()

        self.on_raw(topic, consumer, handle)

    # --- life ---------------------------------------------------------------------------------

    async def start(self) -> None:
        failpoints.configure(self.settings.failpoints)
        await self.db.start()
        await upgrade(self.db, self._migrations_dir)
        await ensure_topics(
            self.settings.kafka_bootstrap,
            self.topics.specs(self.settings.kafka_partitions),
            replication=self.settings.kafka_replication,
        )
        await self.broker.start()
        publish = broker_publisher(self.broker)
        self._spawn(
            "outbox-relay",
            lambda: self.outbox.run_relay(self.db, publish, self.settings.outbox_poll_seconds),
        )
        for name, loop in self._background:
            self._spawn(name, loop)
        log.info("service_started", port=self.settings.resolved_port())

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
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
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
