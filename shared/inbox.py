"""Idempotent consumers: the processed ``event_id`` is recorded in the same transaction as the
effect, so an at-least-once delivery takes effect exactly once.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column


class InboxMixin:
    """Columns of the ``inbox`` table; each service declares it on its own base."""

    __tablename__ = "inbox"

    if TYPE_CHECKING:  # the declarative constructor, as the concrete table class has it

        def __init__(self, **kwargs: Any) -> None: ...

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consumer: Mapped[str] = mapped_column(String(60), primary_key=True)
    processed_at: Mapped[datetime]


class Inbox:
    def __init__(self, model: type[InboxMixin]) -> None:
        self._model = model
        self._claims: dict[str, Any] = {}  # dialect -> the batch claim, built once

    async def claim(
        self, session: AsyncSession, event_id: UUID, consumer: str, now: datetime
    ) -> bool:
        """True if this consumer has not processed the event yet; records it as processed.

        The record only lasts if the surrounding transaction commits, together with the effect.
        """
        found = await session.scalar(
            select(self._model.event_id).where(
                self._model.event_id == str(event_id), self._model.consumer == consumer
            )
        )
        if found is not None:
            return False
        session.add(self._model(event_id=str(event_id), consumer=consumer, processed_at=now))
        await session.flush()
        return True

    async def claim_many(
        self, session: AsyncSession, event_ids: Sequence[UUID], consumer: str, now: datetime
    ) -> set[str]:
        """Claims a batch in one statement; returns the ids not processed before (as strings).

        ``INSERT … ON CONFLICT DO NOTHING RETURNING``: the rows that went in are the new ones.
        """
        wanted = list(dict.fromkeys(str(e) for e in event_ids))
        if not wanted:
            return set()
        rows = [{"event_id": e, "consumer": consumer, "processed_at": now} for e in wanted]
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        statement = self._claims.get(dialect)
        if statement is None:
            table = self._model.__table__  # type: ignore[attr-defined]
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            statement = insert(table).on_conflict_do_nothing().returning(table.c.event_id)
            self._claims[dialect] = statement
        result = await session.execute(statement, rows)
        return {str(r) for r in result.scalars().all()}
