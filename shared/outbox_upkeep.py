"""The outbox's upkeep beside its relay: the backlog and parked gauges, forgetting rows past the
retention, giving a reset broker the retained log again, and the operators' view of parked rows
(``gridline outbox parked|retry``). The relay itself is ``shared/outbox.py``."""

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from shared.clock import Clock
from shared.db import Database
from shared.logging import get_logger
from shared.metrics import OUTBOX_BACKLOG, OUTBOX_PARKED
from shared.outbox_table import OutboxMixin

log = get_logger(__name__)


class OutboxUpkeep:
    """What ``Outbox`` does besides relaying; it sets these in its ``__init__``."""

    _model: type[OutboxMixin]
    _clock: Clock
    _retention: timedelta
    _wake: asyncio.Event
    _epoch: int

    # --- housekeeping and recovery ------------------------------------------------------------

    async def run_housekeeping(self, db: Database, interval: float = 15.0) -> None:
        """Reports backlog and parked rows; forgets rows sent longer ago than the retention."""
        while True:
            try:
                await self.housekeeping(db)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox_housekeeping_failed", error=repr(exc)[:300])
            await asyncio.sleep(interval)

    async def housekeeping(self, db: Database) -> None:
        model = self._model
        now = self._clock.now()
        async with db.transaction() as session:
            backlog = await session.scalar(
                select(func.count()).select_from(model).where(model.sent_at.is_(None))
            )
            parked = await session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.sent_at.is_(None), model.parked_at.is_not(None))
            )
            await session.execute(delete(model).where(model.sent_at < now - self._retention))
        OUTBOX_BACKLOG.set(backlog or 0)
        OUTBOX_PARKED.set(parked or 0)

    async def requeue_retained(self, db: Database) -> int:
        """Marks every retained sent row unsent again: the relay republishes them in their
        original order (after a broker lost its memory). Consumers' inboxes absorb repeats."""
        model = self._model
        async with db.transaction() as session:
            self._epoch += 1
            result = await session.execute(
                update(model).where(model.sent_at.is_not(None)).values(sent_at=None)
            )
        self._wake.set()
        return int(getattr(result, "rowcount", 0) or 0)

    # --- operators ----------------------------------------------------------------------------

    async def parked(self, db: Database) -> list[Any]:
        model = self._model
        async with db.transaction() as session:
            result = await session.execute(
                select(
                    model.id,
                    model.event_type,
                    model.key,
                    model.topic,
                    model.parked_at,
                    model.parked_reason,
                    func.length(model.body),
                )
                .where(model.parked_at.is_not(None), model.sent_at.is_(None))
                .order_by(model.id)
            )
            return list(result.all())

    async def unpark(self, db: Database, ids: Sequence[int] | None) -> int:
        """Puts parked rows back in line (all of them if ``ids`` is None)."""
        model = self._model
        query = update(model).where(model.parked_at.is_not(None), model.sent_at.is_(None))
        if ids is not None:
            query = query.where(model.id.in_(list(ids)))
        async with db.transaction() as session:
            result = await session.execute(query.values(parked_at=None, parked_reason=None))
        self._wake.set()
        return int(getattr(result, "rowcount", 0) or 0)
