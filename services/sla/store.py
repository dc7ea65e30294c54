"""The SLA service's own database: durable deadlines indexed by when they next act, the orders
they belong to (for the numbers), and each department's share of an order's time."""

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.sla.domain import NewDeadline
from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin

OPEN, FIRED, CLOSED = "open", "fired", "closed"
# What a deadline does when it passes: a red card, the router's chain, or a missed appointment.
CARD, CHAIN, APPOINTMENT = "card", "chain", "appointment"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    # The poller's only query: open rows whose next action (yellow card or due) has come.
    # The due-time index serves the at-risk list; the fired-time one the breach counts.
    __table_args__ = (
        Index("ix_deadlines_open_next", "state", "next_at"),
        Index("ix_deadlines_open_due", "state", "due_at"),
        Index("ix_deadlines_state_fired", "state", "fired_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(12), default=CARD, server_default=CARD)
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    clock: Mapped[str] = mapped_column(String(12), default="24h", server_default="24h")
    started_at: Mapped[datetime | None]
    policy_due: Mapped[datetime | None]
    platform_due: Mapped[datetime | None]
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime | None]
    warned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    next_at: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    explained: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    state: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]


class OrderRow(Base):
    """What the SLA service knows of an order: enough to count it and to fill a red card."""

    __tablename__ = "sla_orders"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    category_label: Mapped[str] = mapped_column(String(40), default="")
    priority: Mapped[str] = mapped_column(String(10))
    needs_reply: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    department: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime]
    platform_deadline: Mapped[datetime | None]
    appointment_at: Mapped[datetime | None]
    first_dispatched_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean)


class ShareRow(Base):
    """One department's spell holding an order: each is timed on its own (a department that
    receives a returned order is not blamed for the first one's time)."""

    __tablename__ = "department_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40), index=True)
    department: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))


class DeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DeadlineRow) -> None:
        self.session.add(row)

    def open(self, order_id: str, d: NewDeadline, now: datetime) -> None:
        """Starts a deadline the domain made."""
        self.add(
            DeadlineRow(
                order_id=order_id,
                kind=d.kind,
                purpose=d.purpose,
                assignment_id=d.assignment_id,
                department=d.department,
                assignee_id=d.assignee_id,
                clock=d.clock,
                started_at=d.started_at,
                policy_due=d.policy_due,
                platform_due=d.platform_due,
                due_at=d.due,
                warn_at=d.warn_at,
                warned=False,
                next_at=d.next_at,
                paused_seconds=0,
                explained=d.explained,
                state="open",
                created_at=now,
                fired_at=None,
            )
        )

    async def open_of(
        self, order_id: str, kinds: tuple[str, ...] | None = None
    ) -> list[DeadlineRow]:
        query = select(DeadlineRow).where(
            DeadlineRow.order_id == order_id, DeadlineRow.state == OPEN
        )
        if kinds is not None:
            query = query.where(DeadlineRow.kind.in_(kinds))
        return list(await self.session.scalars(query.order_by(DeadlineRow.id)))

    async def all_of(self, order_id: str) -> list[DeadlineRow]:
        query = select(DeadlineRow).where(DeadlineRow.order_id == order_id)
        return list(await self.session.scalars(query.order_by(DeadlineRow.id)))

    async def latest_of(self, order_id: str, kind: str) -> DeadlineRow | None:
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.order_id == order_id, DeadlineRow.kind == kind)
            .order_by(DeadlineRow.id.desc())
            .limit(1)
        )
        row: DeadlineRow | None = await self.session.scalar(query)
        return row

    async def close(
        self,
        order_id: str,
        kinds: tuple[str, ...] | None = None,
        purposes: tuple[str, ...] | None = None,
    ) -> None:
        query = update(DeadlineRow).where(
            DeadlineRow.order_id == order_id, DeadlineRow.state == OPEN
        )
        if kinds is not None:
            query = query.where(DeadlineRow.kind.in_(kinds))
        if purposes is not None:
            query = query.where(DeadlineRow.purpose.in_(purposes))
        await self.session.execute(query.values(state=CLOSED, next_at=None))

    async def take_due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeadlineRow]:
        """Open deadlines whose next action has come, locked for this transaction (PostgreSQL:
        replicas skip each other's rows, so none fires twice)."""
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.state == OPEN, DeadlineRow.next_at <= now)
            .order_by(DeadlineRow.next_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> OrderRow | None:
        return await self.session.get(OrderRow, order_id)

    def add(self, row: OrderRow) -> None:
        self.session.add(row)

    async def acknowledged_of(self, order_ids: set[str]) -> dict[str, bool]:
        if not order_ids:
            return {}
        rows = await self.session.execute(
            select(OrderRow.order_id, OrderRow.acknowledged).where(OrderRow.order_id.in_(order_ids))
        )
        return {order_id: bool(ack) for order_id, ack in rows.all()}


class ShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, order_id: str) -> ShareRow | None:
        row: ShareRow | None = await self.session.scalar(
            select(ShareRow)
            .where(ShareRow.order_id == order_id, ShareRow.ended_at.is_(None))
            .order_by(ShareRow.id.desc())
            .limit(1)
        )
        return row

    async def of_order(self, order_id: str) -> list[ShareRow]:
        return list(
            await self.session.scalars(
                select(ShareRow).where(ShareRow.order_id == order_id).order_by(ShareRow.id)
            )
        )

    def add(self, row: ShareRow) -> None:
        self.session.add(row)
