"""The SLA service's tables: durable deadlines indexed by when they next act, the orders they
belong to (for the numbers), and each department's share of an order's time."""

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing

OPEN, FIRED, CLOSED = "open", "fired", "closed"
# What a deadline does when it passes: a red card, the router's chain, or a missed appointment.
CARD, CHAIN, APPOINTMENT = "card", "chain", "appointment"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    # The poller's only query: open rows whose next action (yellow card or due) has come.
    # The due-time index serves the at-risk list; the fired-time one the breach counts.
    # A handler's statements name the order and ``state = 'open'``: on order_id alone, SQLite's
    # planner (no statistics) took a state index for them and walked every open deadline, so
    # the cost of each event grew with the deadlines held (issue 25). Two equalities win.
    __table_args__ = (
        Index("ix_deadlines_order_state", "order_id", "state"),
        Index("ix_deadlines_open_next", "state", "next_at"),
        Index("ix_deadlines_open_due", "state", "due_at"),
        Index("ix_deadlines_state_fired", "state", "fired_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40))
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
