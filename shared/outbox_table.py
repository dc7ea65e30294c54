"""The ``outbox`` table's columns, the relay's query of it, and the lock that lets one relay at
a time publish them; ``plumbing`` maps it and the ``inbox`` table on a service's base."""

import contextlib
import types
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    exists,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column

from shared.db import Database
from shared.inbox import InboxMixin

# A stable number for PostgreSQL's advisory lock: one relay per database publishes at a time,
# so replicas never interleave (and reorder) one order's events.
RELAY_LOCK = 0x6772_6964


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
    parked_at: Mapped[datetime | None] = mapped_column(index=True)
    parked_reason: Mapped[str | None] = mapped_column(String(500))


class Plumbing(NamedTuple):
    """A service's ``outbox`` and ``inbox`` tables, mapped on its own base."""

    outbox: type[OutboxMixin]
    inbox: type[InboxMixin]


def plumbing(base: type[DeclarativeBase]) -> Plumbing:
    """The outbox and inbox tables on a service's base (its own metadata, so databases never
    mix): declared here once, and each service's store names them with this one call. The
    schema is the mixins'; the migrations that made it stay as they are."""
    namespace = {"__module__": base.__module__}
    outbox = types.new_class("OutboxRow", (OutboxMixin, base), {}, lambda ns: ns.update(namespace))
    inbox = types.new_class("InboxRow", (InboxMixin, base), {}, lambda ns: ns.update(namespace))
    return Plumbing(cast(type[OutboxMixin], outbox), cast(type[InboxMixin], inbox))


UnsentQuery = Select[int, str, str, str, str]  # id, topic, key, event type, body


def unsent_query(model: type[OutboxMixin]) -> UnsentQuery:
    """The oldest ``:batch`` rows to publish: unsent, not parked, and not behind a parked row of
    the same key (an order's events keep their order)."""
    blocker = aliased(model)
    held = exists().where(
        and_(
            blocker.parked_at.is_not(None),
            blocker.sent_at.is_(None),
            blocker.topic == model.topic,
            blocker.key == model.key,
            blocker.id < model.id,
        )
    )
    return (
        select(model.id, model.topic, model.key, model.event_type, model.body)
        .where(model.sent_at.is_(None), model.parked_at.is_(None), ~held)
        .order_by(model.id)
        .limit(bindparam("batch", type_=Integer()))
    )


@contextlib.asynccontextmanager
async def relay_leader(db: Database) -> AsyncIterator[bool]:
    """PostgreSQL: one relay round per database at a time, across replicas, held on a session
    lock outside any transaction. SQLite has one process per file: always the leader."""
    if not db.is_postgres:
        yield True
        return
    async with db.engine.connect() as conn:
        got = bool(await conn.scalar(text(f"SELECT pg_try_advisory_lock({RELAY_LOCK})")))
        await conn.commit()
        try:
            yield got
        finally:
            if got:
                with contextlib.suppress(Exception):
                    await conn.execute(text(f"SELECT pg_advisory_unlock({RELAY_LOCK})"))
                    await conn.commit()
