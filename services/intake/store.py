"""Intake's own database: orders as received, source keys (dedup), each order's timeline."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_orders_source_ref"),)

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(20))
    caller_name: Mapped[str | None] = mapped_column(String(64))
    caller_phone: Mapped[str | None] = mapped_column(String(32))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime]
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(30), default="received")
    canonical: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)


class TimelineRow(Base):
    __tablename__ = "timeline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40), ForeignKey("orders.order_id"), index=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime]
    producer: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text, default="")


class OrderRepository:
    """Named queries on intake's tables; it never commits (the caller's transaction does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_source_ref(self, source: str, source_ref: str) -> OrderRow | None:
        return await self.session.scalar(
            select(OrderRow).where(OrderRow.source == source, OrderRow.source_ref == source_ref)
        )

    async def get(self, order_id: str) -> OrderRow | None:
        return await self.session.get(OrderRow, order_id)

    async def add(self, row: OrderRow) -> bool:
        """False if another request stored the same source key first."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def timeline(self, order_id: str) -> list[TimelineRow]:
        result = await self.session.scalars(
            select(TimelineRow)
            .where(TimelineRow.order_id == order_id)
            .order_by(TimelineRow.occurred_at, TimelineRow.id)
        )
        return list(result)

    async def has_timeline_entry(self, event_id: str) -> bool:
        found = await self.session.scalar(
            select(TimelineRow.id).where(TimelineRow.event_id == event_id)
        )
        return found is not None
