"""Idempotent consumers: the processed ``event_id`` is recorded in the same transaction as the
effect, so an at-least-once delivery takes effect exactly once.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import String, select
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
