"""The 12345 / 96568 reply sender, step 2 of the reply path (step 1, queueing a resolved order's
reply, is ``handlers/replies.py``; what a reply says and when to retry, ``domain/replies.py``).

Replies go out the one way the outside world is spoken to (``shared/outbound.py``): due rows are
claimed under a lease in one short unit of work, sent with no transaction open (tenacity's quick
tries, one pooled HTTP client per sink), and each outcome recorded in another: sent rows are
marked and ``ReplySent`` goes to the outbox; failed ones wait their durable backoff. A hung
platform therefore holds no database writer, and an operator's new order is never kept waiting
behind a reply. A crash between the sink's acceptance and the record sends the reply again once
the lease runs out: the platform sees the same ``orderNo`` twice, which it tolerates; losing a
reply is what must not happen. Sinks: HTTP when a URL is set, else one JSON line per reply in a
file under ``var_dir``.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from services.intake.config import IntakeSettings, ReplyRules
from services.intake.domain import replies
from services.intake.domain.access import masked
from services.intake.domain.normalize import PRODUCER
from services.intake.metrics import REPLIES, REPLIES_PENDING
from services.intake.store import ReplyRepository
from shared.clock import ManualClock
from shared.contracts import ReplySent, ReplySentPayload
from shared.contracts.envelopes import envelope
from shared.db import Database
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.outbound import Outbound, OutboundSender, http_client
from shared.outbox import Outbox
from shared.runtime import ServiceRuntime
from shared.unit_of_work import UnitOfWork, UnitsOfWork

log = get_logger(__name__)
QUICK_WAIT_CAP = 5.0  # seconds: the longest pause between two quick tries


class ReplySink(Protocol):
    target: str

    async def send(self, body: Mapping[str, Any]) -> None:
        """Returns once the other side has the reply; raises otherwise."""


class HttpSink:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.target = url
        self._client = http_client(timeout)

    async def send(self, body: Mapping[str, Any]) -> None:
        response = await self._client.post(self.target, json=dict(body))
        response.raise_for_status()

    async def close(self) -> None:
        await self._client.aclose()


class FileSink:
    """The embedded default: one JSON line per reply, for a person or a test to read; phones
    are masked, since a file is read by whoever opens it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = f"file:{path}"

    async def send(self, body: Mapping[str, Any]) -> None:
        line = json.dumps(masked(dict(body)), ensure_ascii=False) + "\n"
        await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line)


def reply_sinks(settings: IntakeSettings) -> dict[str, ReplySink]:
    """A sink per channel: the gateway's URL when set, else a file under ``var_dir/replies``."""

    def sink(url: str, name: str) -> ReplySink:
        if url:
            return HttpSink(url, settings.reply_timeout_seconds)
        return FileSink(settings.var_dir / "replies" / f"{name}.jsonl")

    return {
        "12345": sink(settings.reply_12345_url, "12345"),
        "callback": sink(settings.reply_callback_url, "callback"),
    }


@dataclass(frozen=True)
class ClaimedReply:
    row_id: int
    order_id: str
    channel: str
    body: dict[str, Any]
    attempts: int
    lease_until: datetime
    """The claim's mark: the row's ``next_attempt_at`` while this claim holds it."""


@dataclass(frozen=True)
class Tried:
    tries: int
    error: str | None  # None: the sink has the reply
    target: str


class ReplyOutbound:
    """The replies table as ``shared.outbound`` steps."""

    def __init__(
        self, sinks: Mapping[str, ReplySink], rules: ReplyRules, lease: timedelta, lock: bool
    ) -> None:
        self._sinks = sinks
        self._rules = rules
        self._lease = lease
        self._lock = lock

    def steps(self) -> Outbound[ClaimedReply, Tried]:
        return Outbound(claim=self.claim, send=self.send, record=self.record)

    async def claim(self, uow: UnitOfWork, batch: int) -> list[ClaimedReply]:
        repo = ReplyRepository(uow.session)
        lease_until = uow.now + self._lease
        claimed = []
        for row in await repo.due(uow.now, batch, lock=self._lock):
            row.next_attempt_at = lease_until
            claimed.append(
                ClaimedReply(
                    row.id, row.order_id, row.channel, dict(row.body), row.attempts, lease_until
                )
            )
        REPLIES_PENDING.set(await repo.pending_count())
        return claimed

    async def send(self, reply: ClaimedReply) -> Tried:
        sink = self._sinks.get(reply.channel)
        if sink is None:
            return Tried(0, f"no sink for channel {reply.channel}", "")
        tries = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._rules.quick_attempts),
                wait=wait_exponential(
                    multiplier=self._rules.quick_wait_seconds, max=QUICK_WAIT_CAP
                ),
                reraise=True,
            ):
                with attempt:
                    tries += 1
                    await sink.send(reply.body)
        except Exception as exc:
            REPLIES.labels(reply.channel, "failed").inc()
            error = mask_phone(f"{type(exc).__name__}: {exc}")[:500]
            log.warning(
                "reply_not_delivered",
                order_id=reply.order_id,
                attempts=reply.attempts + tries,
                error=error,
            )
            return Tried(tries, error, sink.target)
        REPLIES.labels(reply.channel, "sent").inc()
        return Tried(tries, None, sink.target)

    async def record(self, uow: UnitOfWork, reply: ClaimedReply, tried: Tried) -> None:
        row = await ReplyRepository(uow.session).get(reply.row_id)
        if row is None or row.sent_at is not None or row.next_attempt_at != reply.lease_until:
            return  # the lease ran out and a newer claim owns the row
        row.attempts = reply.attempts + tried.tries
        row.last_error = tried.error
        if tried.error is None:
            row.sent_at = uow.now
            row.target = tried.target
            uow.emit([_sent(row.order_id, row.channel, tried.target, row.attempts, uow.now)])
        else:
            attempts = max(row.attempts, self._rules.quick_attempts)
            row.next_attempt_at = replies.next_attempt(attempts, uow.now, self._rules.backoff)


def lease_for(rules: ReplyRules, timeout_seconds: float) -> timedelta:
    """Longer than one round of quick tries can take, so a live sender's claim never lapses."""
    round_seconds = rules.quick_attempts * (timeout_seconds + QUICK_WAIT_CAP)
    return timedelta(seconds=round_seconds + 30)


def reply_sender(
    runtime: ServiceRuntime,
    sinks: Mapping[str, ReplySink],
    rules: ReplyRules,
    poll_seconds: float,
    timeout_seconds: float,
) -> Callable[[], Awaitable[None]]:
    """The background loop. Replies owed before a restart are in the table and go out at the
    first round; one claimed by a process that died goes out when its lease runs out."""
    outbound = ReplyOutbound(
        sinks, rules, lease_for(rules, timeout_seconds), runtime.db.is_postgres
    )
    sender = OutboundSender("replies", runtime.units, outbound.steps(), poll_seconds)

    async def send_replies() -> None:
        try:
            await sender.run()
        finally:
            for sink in sinks.values():
                if isinstance(sink, HttpSink):
                    await sink.close()

    return send_replies


async def deliver_due(
    db: Database,
    outbox: Outbox,
    sinks: Mapping[str, ReplySink],
    now: datetime,
    rules: ReplyRules,
    batch: int = 20,
) -> int:
    """One round over the replies due at a chosen ``now`` (a test, a replay); how many were
    delivered."""
    units = UnitsOfWork(db, outbox, ManualClock(now))
    outbound = ReplyOutbound(sinks, rules, lease_for(rules, 10), db.is_postgres)
    steps = outbound.steps()
    delivered = 0

    async def counted(reply: ClaimedReply) -> Tried:
        nonlocal delivered
        tried = await outbound.send(reply)
        delivered += tried.error is None
        return tried

    sender = OutboundSender(
        "replies", units, Outbound(steps.claim, counted, steps.record), 1, batch
    )
    await sender.once()
    return delivered


def _sent(order_id: str, channel: str, target: str, attempts: int, now: datetime) -> ReplySent:
    return envelope(
        ReplySent,
        order_id,
        ReplySentPayload(channel=channel, target=target, attempts=attempts),
        now,
        PRODUCER,
    )
