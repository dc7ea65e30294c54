"""Delivering queued replies: a sink per channel, quick retries (tenacity), durable backoff.

A reply stays in ``replies`` until a sink accepts it; then, in the same transaction, it is
marked sent and ``ReplySent`` goes to the outbox. A crash between the sink's acceptance and the
commit sends the reply again: the platform sees the same ``orderNo`` twice, which it tolerates;
losing a reply is what must not happen.
"""

import asyncio
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from services.intake import replies
from services.intake.domain import PRODUCER
from services.intake.metrics import REPLIES, REPLIES_PENDING
from services.intake.queues import ReplyRepository
from services.intake.rules import ReplyRules
from services.intake.store import ReplyRow
from services.intake.views import masked
from shared.contracts import ReplySent, ReplySentPayload
from shared.db import Database
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.outbox import Outbox

log = get_logger(__name__)


class ReplySink(Protocol):
    target: str

    async def send(self, body: Mapping[str, Any]) -> None:
        """Returns once the other side has the reply; raises otherwise."""


class HttpSink:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.target = url
        self._timeout = timeout

    async def send(self, body: Mapping[str, Any]) -> None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            response = await client.post(self.target, json=dict(body))
        response.raise_for_status()


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


async def deliver_due(
    db: Database,
    outbox: Outbox,
    sinks: Mapping[str, ReplySink],
    now: datetime,
    rules: ReplyRules,
    batch: int = 20,
) -> int:
    """One round over the due replies; returns how many were delivered."""
    delivered = 0
    async with db.transaction() as session:
        due = await ReplyRepository(session).due(now, batch, lock=db.is_postgres)
        for row in due:
            sink = sinks.get(row.channel)
            if sink is None:
                row.last_error = f"no sink for channel {row.channel}"
                row.next_attempt_at = replies.next_attempt(rules.quick_attempts, now, rules)
                continue
            if await _try(row, sink, rules):
                row.sent_at = now
                row.target = sink.target
                outbox.add(session, [_sent(row, sink, now)])
                delivered += 1
            else:
                row.next_attempt_at = replies.next_attempt(row.attempts, now, rules)
        REPLIES_PENDING.set(await ReplyRepository(session).pending_count())
    if delivered:
        outbox.wake()
    return delivered


async def _try(row: ReplyRow, sink: ReplySink, rules: ReplyRules) -> bool:
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(rules.quick_attempts),
            wait=wait_exponential(multiplier=rules.quick_wait_seconds, max=5),
            reraise=True,
        ):
            with attempt:
                row.attempts = (row.attempts or 0) + 1
                await sink.send(row.body)
    except Exception as exc:
        REPLIES.labels(row.channel, "failed").inc()
        row.last_error = mask_phone(f"{type(exc).__name__}: {exc}")[:500]
        log.warning(
            "reply_not_delivered",
            order_id=row.order_id,
            attempts=row.attempts,
            error=row.last_error,
        )
        return False
    REPLIES.labels(row.channel, "sent").inc()
    return True


def _sent(row: ReplyRow, sink: ReplySink, now: datetime) -> ReplySent:
    return ReplySent(
        order_id=row.order_id,
        occurred_at=now,
        producer=PRODUCER,
        payload=ReplySentPayload(channel=row.channel, target=sink.target, attempts=row.attempts),
    )
