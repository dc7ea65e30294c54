"""The deliveries: planned by the handlers (each key once), claimed, recorded and failed by the
delivery job; plain statements built once on its hot paths."""

from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Table,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.store.tables import FAILED, PENDING, SENDING, SENT, DeliveryRow

_DELIVERIES = cast(Table, DeliveryRow.__table__)
_KNOWN_KEYS = select(_DELIVERIES.c.key).where(
    _DELIVERIES.c.key.in_(bindparam("keys", expanding=True))
)
_INSERT_DELIVERIES = insert(_DELIVERIES)
# The delivery job's round: what sending needs of the due rows, and their claim in one update.
_SENDING_COLUMNS = (
    "id",
    "key",
    "channel",
    "notice",
    "person_id",
    "person_name",
    "target",
    "title",
    "text",
    "link",
    "order_id",
    "sms_params",
    "attempts",
)
_DUE = (
    select(*(_DELIVERIES.c[name] for name in _SENDING_COLUMNS))
    .where(
        _DELIVERIES.c.state.in_((PENDING, SENDING)),
        _DELIVERIES.c.next_attempt_at <= bindparam("now"),
    )
    .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
    .limit(bindparam("limit"))
)
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True)
_CLAIM = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        state=SENDING,
        attempts=_DELIVERIES.c.attempts + 1,
        next_attempt_at=bindparam("lease_until"),
    )
)
_BACKLOG = (
    select(func.count()).select_from(_DELIVERIES).where(_DELIVERIES.c.state.in_((PENDING, SENDING)))
)


def _outcome(**values: Any) -> Any:
    """An outcome is written only while the claim that sent it still holds the row."""
    return (
        update(_DELIVERIES)
        .where(
            _DELIVERIES.c.id == bindparam("the_id"),
            _DELIVERIES.c.state == SENDING,
            _DELIVERIES.c.attempts == bindparam("claimed_attempts"),
        )
        .values(**values)
    )


_RECORD = {
    SENT: _outcome(
        state=SENT,
        last_error=bindparam("last_error"),
        sent_at=bindparam("at"),
        provider_ref=bindparam("provider_ref"),
    ),
    PENDING: _outcome(
        state=PENDING, last_error=bindparam("last_error"), next_attempt_at=bindparam("at")
    ),
    FAILED: _outcome(state=FAILED, last_error=bindparam("last_error")),
}


class Claim(NamedTuple):
    """A due row taken for sending: its fields as the claim left them (attempts counted)."""

    id: int
    key: str
    channel: str
    notice: str
    person_id: str
    person_name: str
    target: str
    title: str
    text: str
    link: str
    order_id: str | None
    sms_params: str
    attempts: int


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_key(self, key: str) -> bool:
        return bool(await self.known_keys([key]))

    async def known_keys(self, keys: list[str]) -> set[str]:
        """Which of these keys are stored already, in one statement."""
        if not keys:
            return set()
        found = await self.session.execute(_KNOWN_KEYS, {"keys": keys})
        return set(found.scalars())

    async def told_about(
        self, person_id: str, incident_id: str, notice: str, orders: list[str]
    ) -> bool:
        """Whether the person already has this kind of message about the incident or one of
        its orders (the primary may have been told of before the incident existed)."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.person_id == person_id,
                DeliveryRow.notice == notice,
                or_(DeliveryRow.incident_id == incident_id, DeliveryRow.order_id.in_(orders)),
            )
            .limit(1)
        )
        return found is not None

    async def add(self, rows: list[dict[str, Any]]) -> None:
        """Plain rows in one statement (no ORM objects: nobody reads them back here)."""
        if rows:
            await self.session.execute(_INSERT_DELIVERIES, rows)

    async def cards(
        self, order_id: str, notice: str, person_id: str, channel: str
    ) -> list[DeliveryRow]:
        """The person's cards of this kind about the order on this channel, oldest first."""
        rows = await self.session.scalars(
            select(DeliveryRow)
            .where(
                DeliveryRow.order_id == order_id,
                DeliveryRow.notice == notice,
                DeliveryRow.person_id == person_id,
                DeliveryRow.channel == channel,
            )
            .order_by(DeliveryRow.id)
        )
        return list(rows)

    async def rewrite_unsent(
        self, row: DeliveryRow, clocks: str, text: str, sms_params: str
    ) -> bool:
        """Lists more clocks on a card not yet taken by the delivery job; False when it was
        taken meanwhile (the job's claim wins: the clock then goes in a message of its own)."""
        done = await self.session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == row.id, DeliveryRow.state == PENDING, DeliveryRow.attempts == 0
            )
            .values(clocks=clocks, text=text, sms_params=sms_params)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, skip_locked: bool
    ) -> list[Claim]:
        """Takes up to ``limit`` due rows under a lease, in two statements (PostgreSQL: rows
        another replica holds locked are skipped)."""
        due = _DUE_LOCKED if skip_locked else _DUE
        rows = (await self.session.execute(due, {"now": now, "limit": limit})).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        await self.session.execute(_CLAIM, {"ids": ids, "lease_until": lease_until})
        return [Claim._make(row)._replace(attempts=row.attempts + 1) for row in rows]

    async def backlog(self) -> int:
        return int(await self.session.scalar(_BACKLOG) or 0)

    async def record(
        self,
        delivery_id: int,
        claimed_attempts: int,
        state: str,
        last_error: str,
        at: datetime | None = None,
        provider_ref: str = "",
    ) -> bool:
        """Writes a send's outcome; False when a newer claim owns the row (our lease ran out)."""
        values: dict[str, Any] = {
            "the_id": delivery_id,
            "claimed_attempts": claimed_attempts,
            "last_error": last_error,
        }
        if state == SENT:
            values.update(at=at, provider_ref=provider_ref)
        elif state == PENDING:
            values["at"] = at
        done = await self.session.execute(_RECORD[state], values)
        return bool(getattr(done, "rowcount", 0))

    async def due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeliveryRow]:
        query = (
            select(DeliveryRow)
            .where(DeliveryRow.state.in_((PENDING, SENDING)), DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def get(self, delivery_id: int) -> DeliveryRow | None:
        return await self.session.get(DeliveryRow, delivery_id)

    async def others_alive(self, row: DeliveryRow) -> bool:
        """Whether another channel of the same person and notification is sent or still
        trying: the person is reachable, or may yet be."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.group_key == row.group_key,
                DeliveryRow.id != row.id,
                DeliveryRow.state != FAILED,
            )
            .limit(1)
        )
        return found is not None
