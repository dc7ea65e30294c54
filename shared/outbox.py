"""Transactional outbox: events are written in the same transaction as the state they describe,
and a relay publishes them in order and marks them sent. A crash anywhere loses nothing; a resend
is harmless because every consumer is idempotent (see ``inbox``).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Integer, String, Text, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import Clock
from shared.contracts import Event, OrderEnvelope, event_key
from shared.db import Database
from shared.logging import get_logger
from shared.metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISHED
from shared.topics import Topics

log = get_logger(__name__)

Publish = Callable[[str, bytes, bytes], Awaitable[Awaitable[object]]]
"""(topic, key, value): queues one message and returns a future that resolves once the broker
has it (acks=all). Queued sends keep their order per partition, so a batch goes out at once."""

# A stable number for PostgreSQL's advisory lock: one relay per database publishes at a time,
# so replicas never interleave (and reorder) one order's events.
_RELAY_LOCK = 0x6772_6964


class OutboxMixin:
    """Columns of the ``outbox`` table; each service declares it on its own base."""

    __tablename__ = "outbox"

    if TYPE_CHECKING:  # the declarative constructor, as the concrete table class has it

        def __init__(self, **kwargs: Any) -> None: ...

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    topic: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)


class Outbox:
    """Adds events to a session's transaction and relays committed ones to Kafka."""

    def __init__(
        self,
        model: type[OutboxMixin],
        clock: Clock,
        topics: Topics,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        self._model = model
        self._retention = retention
        self._last_prune: datetime | None = None
        self._topics = topics
        self._clock = clock
        self._wake = asyncio.Event()

    def add(self, session: AsyncSession, events: Sequence[Event]) -> None:
        now = self._clock.now()
        for event in events:
            topic = (
                self._topics.orders if isinstance(event, OrderEnvelope) else self._topics.activity
            )
            session.add(
                self._model(
                    event_id=str(event.event_id),
                    topic=topic,
                    key=event_key(event),
                    event_type=getattr(event, "type", type(event).__name__),
                    body=event.model_dump_json(),
                    created_at=now,
                    sent_at=None,
                )
            )

    def wake(self) -> None:
        """Called after a commit so the relay publishes now rather than at its next poll."""
        self._wake.set()

    async def relay_once(self, db: Database, publish: Publish, batch: int = 200) -> int:
        """Publishes one batch of unsent rows in id order; returns how many were sent."""
        model = self._model
        async with db.transaction() as session:
            if db.is_postgres:
                got = await session.scalar(text(f"SELECT pg_try_advisory_xact_lock({_RELAY_LOCK})"))
                if not got:
                    return 0
            rows = (
                await session.execute(
                    select(model.id, model.topic, model.key, model.body)
                    .where(model.sent_at.is_(None))
                    .order_by(model.id)
                    .limit(batch)
                )
            ).all()
            if not rows:
                return 0
            pending = [
                await publish(topic, key.encode(), body.encode()) for _, topic, key, body in rows
            ]
            results = await asyncio.gather(*pending, return_exceptions=True)
            # Whatever reached the broker is marked; the rest stays for the next round.
            sent = [
                row[0]
                for row, res in zip(rows, results, strict=True)
                if not isinstance(res, BaseException)
            ]
            if sent:
                await session.execute(
                    update(model).where(model.id.in_(sent)).values(sent_at=self._clock.now())
                )
                OUTBOX_PUBLISHED.inc(len(sent))
            failed = next((r for r in results if isinstance(r, BaseException)), None)
            if failed is not None:
                log.warning(
                    "outbox_publish_failed", error=repr(failed), unsent=len(rows) - len(sent)
                )
            return len(sent) if failed is None else 0

    async def run_relay(self, db: Database, publish: Publish, poll_seconds: float) -> None:
        """Publishes leftovers at start, then whatever is committed, until cancelled."""
        while True:
            self._wake.clear()
            try:
                while await self.relay_once(db, publish) > 0:
                    pass
                await self._housekeeping(db)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker or database is down: try again shortly
                log.warning("outbox_relay_failed", error=repr(exc))
                await asyncio.sleep(min(poll_seconds * 10, 5))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)

    async def _housekeeping(self, db: Database) -> None:
        """Reports the backlog; once a minute forgets rows sent longer ago than the retention."""
        model = self._model
        now = self._clock.now()
        async with db.transaction() as session:
            count = await session.scalar(
                select(func.count()).select_from(model).where(model.sent_at.is_(None))
            )
            if self._last_prune is None or now - self._last_prune > timedelta(minutes=1):
                self._last_prune = now
                await session.execute(delete(model).where(model.sent_at < now - self._retention))
        OUTBOX_BACKLOG.set(count or 0)
