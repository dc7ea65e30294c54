"""Transactional outbox: events are written in the same transaction as the state they describe,
and a relay publishes them in order and marks them sent. A crash anywhere loses nothing; a resend
is harmless because every consumer is idempotent (see ``inbox``).

- The relay wakes when a transaction that added events commits, and otherwise sleeps long; the
  backlog count and the pruning of old rows run on their own timer.
- Replicas sharing a PostgreSQL database each relay their own commits, one round at a time
  across them (an advisory lock), and each looks every second for rows left unsent: a replica
  that died between commit and publish leaves rows no commit of the others wakes a relay for.
- It holds no transaction (and so, on SQLite, not the write lock) while the broker is slow or
  away: rows are read in one short transaction and marked in another. Intake's accept path never
  waits behind the broker.
- A row the broker refuses for good (too large, say) is parked with its reason; rows behind it on
  the same key wait with it (their order matters), rows on other keys go on.
- Sent rows are kept for the retention window, so that a broker that lost its memory can be given
  the log back (``requeue_retained``).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared import failpoints
from shared.clock import Clock
from shared.contracts import Event, OrderEnvelope, event_key
from shared.db import Database
from shared.faults import is_refused_for_good
from shared.logging import get_logger
from shared.metrics import OUTBOX_PARKED, OUTBOX_PARKED_TOTAL, OUTBOX_PUBLISHED
from shared.outbox_table import OutboxMixin, relay_leader, unsent_query
from shared.outbox_upkeep import OutboxUpkeep
from shared.topics import Topics

log = get_logger(__name__)
LEADER_RETRY_SECONDS = 0.05
RELAY_BATCH = 200

__all__ = ["Outbox", "OutboxMixin", "Publish"]

Publish = Callable[[str, bytes, bytes, str], Awaitable[Awaitable[object]]]
"""(topic, key, value, event type): queues one message and returns a future that resolves once
the broker has it (acks=all); raises at once for a record the broker can never take. Queued
sends keep their order per partition, so a batch goes out at once."""

_ADDED = "outbox_added"


class Outbox(OutboxUpkeep):
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
        self._topics = topics
        self._clock = clock
        self._wake = asyncio.Event()
        self._epoch = 0  # bumped by requeue_retained: a round straddling it marks nothing sent
        self._full = False  # the last round read a whole batch: more may be waiting
        # Statements built once: building the unsent query cost more CPU than running it.
        self._unsent_rows = unsent_query(model)
        self._any_unsent = self._unsent_rows.with_only_columns(model.id).order_by(None).limit(1)
        table = model.__table__  # type: ignore[attr-defined]
        self._insert = insert(table)
        ids = table.c.id.in_(bindparam("ids", expanding=True))
        self._mark_sent = update(table).where(ids).values(sent_at=bindparam("now"))

    async def add(self, session: AsyncSession, events: Sequence[Event]) -> None:
        """Writes the events in the session's transaction, in one statement: plain rows, not
        ORM objects, which cost a flush each."""
        if not events:
            return
        now = self._clock.now()
        rows = [
            {
                "event_id": str(event.event_id),
                "topic": (
                    self._topics.orders
                    if isinstance(event, OrderEnvelope)
                    else self._topics.activity
                ),
                "key": event_key(event),
                "event_type": getattr(event, "type", type(event).__name__),
                "body": event.model_dump_json(),
                "created_at": now,
                "sent_at": None,
            }
            for event in events
        ]
        await session.execute(self._insert, rows)
        session.info[_ADDED] = True

    def watch(self, db: Database) -> None:
        """Wakes the relay whenever a transaction that added events commits."""

        def _hook(session: AsyncSession) -> None:
            if session.info.pop(_ADDED, False):
                self._wake.set()

        db.after_commit(_hook)

    def wake(self) -> None:
        """Publish now rather than at the next idle poll (commits through ``watch`` do this)."""
        self._wake.set()

    # --- the relay ----------------------------------------------------------------------------

    async def relay_once(self, db: Database, publish: Publish, batch: int = RELAY_BATCH) -> int:
        """Publishes one batch of unsent rows in id order; returns how many rows it settled
        (sent or parked). Raises on a transient failure, after marking what went out."""
        async with relay_leader(db) as leading:
            if leading:
                return await self._relay_round(db, publish, batch)
        # A replica is relaying this database now, perhaps from rows read before ours were
        # committed: look again shortly (its connection back in the pool meanwhile) instead of
        # sleeping until our next commit.
        self._full = False
        self._wake.set()
        await asyncio.sleep(LEADER_RETRY_SECONDS)
        return 0

    async def _relay_round(self, db: Database, publish: Publish, batch: int) -> int:
        epoch = self._epoch
        rows = await self._unsent(db, batch)
        self._full = len(rows) >= batch
        if not rows:
            return 0
        failpoints.hit("outbox.relay.before_publish")
        sent, parked, failure = await self._publish(rows, publish)
        failpoints.hit("outbox.relay.after_publish")
        if sent or parked:
            await self._mark(db, sent, parked, epoch)
        if failure is not None:
            raise failure
        return len(sent) + len(parked)

    async def _unsent(self, db: Database, batch: int) -> list[Any]:
        # A read: on SQLite it takes no write lock, so the relay never queues behind a
        # consumer's batch or an accept (it sees what was committed; later commits wake it).
        return await db.fetch(self._unsent_rows, {"batch": batch})

    async def _publish(
        self, rows: list[Any], publish: Publish
    ) -> tuple[list[int], list[tuple[int, str]], BaseException | None]:
        parked: list[tuple[int, str]] = []
        held: set[tuple[str, str]] = set()
        pending: list[tuple[Any, Awaitable[object]]] = []
        failure: BaseException | None = None
        for row in rows:
            if (row.topic, row.key) in held:
                continue  # behind a parked row of the same order: keeps its place in line
            try:
                key, body = row.key.encode(), row.body.encode()
                pending.append((row, await publish(row.topic, key, body, row.event_type)))
            except Exception as exc:
                if not is_refused_for_good(exc):
                    failure = exc
                    break
                parked.append((row.id, f"{type(exc).__name__}: {exc}"))
                held.add((row.topic, row.key))
        results = await asyncio.gather(*(f for _, f in pending), return_exceptions=True)
        sent: list[int] = []
        for (row, _), res in zip(pending, results, strict=True):
            if not isinstance(res, BaseException):
                sent.append(row.id)
            elif is_refused_for_good(res):
                parked.append((row.id, f"{type(res).__name__}: {res}"))
            elif failure is None:
                failure = res
        return sent, parked, failure

    async def _mark(
        self, db: Database, sent: list[int], parked: list[tuple[int, str]], epoch: int
    ) -> None:
        model = self._model
        now = self._clock.now()
        async with db.write() as conn:
            if epoch != self._epoch:
                # The broker lost its memory while these were on their way: what it took is
                # gone with it, and the requeued rows go out again in order.
                sent = []
            if sent:
                await conn.execute(self._mark_sent, {"ids": sent, "now": now})
            for row_id, reason in parked:
                await conn.execute(
                    update(model)
                    .where(model.id == row_id)
                    .values(parked_at=now, parked_reason=reason[:500])
                )
        OUTBOX_PUBLISHED.inc(len(sent))
        for row_id, reason in parked:
            OUTBOX_PARKED_TOTAL.inc()
            log.error("outbox_row_parked", outbox_id=row_id, reason=reason[:200])
        if parked:
            OUTBOX_PARKED.inc(len(parked))

    async def run_relay(
        self,
        db: Database,
        publish: Publish,
        idle_seconds: float,
        backoff_max: float = 5.0,
        takeover_seconds: float | None = None,
    ) -> None:
        """Publishes leftovers at start, then whatever is committed, until cancelled. On
        PostgreSQL, with ``takeover_seconds``, it also looks that often for rows another replica
        committed and never published."""
        look = takeover_seconds if db.is_postgres else None
        backoff = 0.1
        while True:
            self._wake.clear()
            try:
                # Round after round while they come back full; a part-full round read all
                # there was, and what commits after it wakes the relay again.
                await self.relay_once(db, publish)
                while self._full:
                    await self.relay_once(db, publish)
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker or database is away: try again, backing off
                log.warning("outbox_relay_failed", error=repr(exc)[:300])
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, backoff_max)
                continue
            await self._idle(db, idle_seconds, look)

    async def _idle(self, db: Database, idle_seconds: float, look: float | None) -> None:
        """Until a commit here wakes the relay, the idle timer runs out, or a look every
        ``look`` seconds finds rows to publish. Only the look sees another replica's commits:
        its own relay wakes for them, but not if it died before publishing. Each replica looks,
        alone or not: one that joined since our last look could die before our next."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + idle_seconds
        while (left := deadline - loop.time()) > 0:
            # A timeout scope rather than wait_for: no task per wait, once a second.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(left, look or left)):
                    await self._wake.wait()
                return
            if look is not None and await self._left_unsent(db):
                return

    async def _left_unsent(self, db: Database) -> bool:
        """One indexed read of whether any row waits to be published (mostly none), in one
        round trip: outside a transaction, so no BEGIN and ROLLBACK around it."""
        try:
            async with db.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                return (await conn.execute(self._any_unsent)).first() is not None
        except Exception:
            return True  # the round meets the fault, reports it and backs off
