"""The 12345 / 96568 reply sender, step 2 of the reply path (step 1, queueing a resolved order's
reply, is ``handlers/replies.py``; what a reply says and when to retry, ``domain/replies.py``).

A reply stays in ``replies`` until a sink accepts it; then, in the same unit of work, it is
marked sent and ``ReplySent`` goes to the outbox. A crash between the sink's acceptance and the
commit sends the reply again: the platform sees the same ``orderNo`` twice, which it tolerates;
losing a reply is what must not happen. Sinks: HTTP when a URL is set (tenacity's quick
retries, then a durable backoff), else one JSON line per reply in a file under ``var_dir``.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from services.intake.config import IntakeSettings, ReplyRules
from services.intake.domain import replies
from services.intake.domain.access import masked
from services.intake.domain.normalize import PRODUCER
from services.intake.metrics import REPLIES, REPLIES_PENDING
from services.intake.store import ReplyRepository, ReplyRow
from shared.clock import ManualClock
from shared.contracts import ReplySent, ReplySentPayload
from shared.db import Database
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.outbox import Outbox
from shared.runtime import ServiceRuntime
from shared.unit_of_work import UnitOfWork, UnitsOfWork

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


def reply_sender(
    runtime: ServiceRuntime,
    sinks: Mapping[str, ReplySink],
    rules: ReplyRules,
    poll_seconds: float,
) -> Callable[[], Awaitable[None]]:
    """The background loop: rounds until nothing is due, then a pause. Replies owed before a
    restart are in the table and go out at the first round."""

    async def send_replies() -> None:
        while True:
            try:
                while await _one_round(runtime.units, sinks, rules, lock=runtime.db.is_postgres):
                    pass
            except Exception as exc:
                log.warning("reply_round_failed", error=repr(exc))
            await asyncio.sleep(poll_seconds)

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
    return await _one_round(units, sinks, rules, lock=db.is_postgres, batch=batch)


async def _one_round(
    units: UnitsOfWork,
    sinks: Mapping[str, ReplySink],
    rules: ReplyRules,
    lock: bool,
    batch: int = 20,
) -> int:
    """The due replies in one unit of work: each sent is marked and its ``ReplySent`` emitted
    (the outbox wakes the relay once the round commits)."""
    async with units.begin() as uow:
        return await _deliver_round(uow, sinks, rules, batch, lock)


async def _deliver_round(
    uow: UnitOfWork, sinks: Mapping[str, ReplySink], rules: ReplyRules, batch: int, lock: bool
) -> int:
    delivered = 0
    repo = ReplyRepository(uow.session)
    for row in await repo.due(uow.now, batch, lock=lock):
        sink = sinks.get(row.channel)
        if sink is None:
            row.last_error = f"no sink for channel {row.channel}"
            row.next_attempt_at = replies.next_attempt(rules.quick_attempts, uow.now, rules)
            continue
        if await _try(row, sink, rules):
            row.sent_at = uow.now
            row.target = sink.target
            uow.emit([_sent(row, sink, uow.now)])
            delivered += 1
        else:
            row.next_attempt_at = replies.next_attempt(row.attempts, uow.now, rules)
    REPLIES_PENDING.set(await repo.pending_count())
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
