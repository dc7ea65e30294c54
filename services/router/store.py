"""The router's own database: each order's routing state and its assignments."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select
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


class RoutedOrder(Base):
    __tablename__ = "routed_orders"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    grid: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str] = mapped_column(String(40))
    chain_position: Mapped[str] = mapped_column(String(20))
    assignment_id: Mapped[int] = mapped_column(Integer)
    ack_due: Mapped[datetime]
    received_at: Mapped[datetime]
    order: Mapped[dict[str, Any]] = mapped_column(JSON)


class AssignmentRow(Base):
    __tablename__ = "assignments"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(40))
    assignee_id: Mapped[str] = mapped_column(String(40), index=True)
    chain_position: Mapped[str] = mapped_column(String(20))
    dispatched_at: Mapped[datetime]
    ack_due: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    skipped: Mapped[list[Any]] = mapped_column(JSON)


class RoutingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> RoutedOrder | None:
        return await self.session.get(RoutedOrder, order_id)

    def add(self, *rows: RoutedOrder | AssignmentRow) -> None:
        self.session.add_all(rows)

    async def inbox(
        self, department: str, state: str | None, limit: int, offset: int
    ) -> list[RoutedOrder]:
        query = select(RoutedOrder).where(RoutedOrder.department == department)
        if state:
            query = query.where(RoutedOrder.state == state)
        query = query.order_by(RoutedOrder.ack_due).limit(limit).offset(offset)
        return list(await self.session.scalars(query))
