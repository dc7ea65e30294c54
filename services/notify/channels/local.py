"""The built-in local receiver: in the embedded default (no corp, no SMS account set) every
message is recorded here instead of being sent, and shown by ``GET /v1/messages`` (the console's
“消息” page), so a newcomer sees what would have gone out."""

import asyncio
from typing import Any, cast

from sqlalchemy import Table, insert

from services.notify.channels import Outgoing
from services.notify.domain.outcome import Outcome
from services.notify.store import LocalMessageRow
from shared.clock import Clock
from shared.db import Database
from shared.masking import mask_phone

_TABLE = cast(Table, LocalMessageRow.__table__)
_INSERT = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)


class LocalReceiver:
    """Records each message as a plain row. The delivery job sends a round's messages at once:
    those that arrive together are written in one transaction (a transaction each cost more
    than the rows, issue 25), and each send returns once its row is committed."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[int]]] = []
        self._writers: set[asyncio.Task[None]] = set()

    async def send(self, msg: Outgoing) -> Outcome:
        row = {
            "delivery_key": msg.key,
            "channel": msg.channel,
            "person_id": msg.person_id,
            "person_name": msg.person_name,
            "target": mask_phone(msg.target),
            "notice": msg.notice,
            "order_id": msg.order_id,
            "title": msg.title,
            "text": msg.text,
            "link": msg.link,
            "received_at": self._clock.now(),
        }
        written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, written))
        if len(self._waiting) == 1:  # the first of a round: write them all a moment later
            writer = asyncio.create_task(self._write())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        return Outcome.sent(f"local-{await written}")

    async def _write(self) -> None:
        batch: list[tuple[dict[str, Any], asyncio.Future[int]]] = []
        try:
            await asyncio.sleep(0)  # the round's other sends queue up behind this one
            batch, self._waiting = self._waiting, []
            async with self._db.transaction() as session:
                ids = (await session.execute(_INSERT, [row for row, _ in batch])).scalars().all()
        except BaseException as exc:
            if not batch:  # cancelled before it took the round: the round fails with it
                batch, self._waiting = self._waiting, []
            for _, written in batch:
                if not written.done():
                    written.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, written), row_id in zip(batch, ids, strict=True):
            if not written.done():
                written.set_result(row_id)
