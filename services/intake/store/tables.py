"""Intake's tables: orders as received, source keys (dedup), each order's timeline, incidents
(clustered duplicates), planned outages, the vulnerable-household register, grid activity and the
durable queue of replies to the sources."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_orders_source_ref"),)

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(20))
    caller_name: Mapped[str | None] = mapped_column(String(64))
    caller_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(30), default="received")
    canonical: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Added with address matching, care and clustering; nullable so older rows stay valid.
    community_key: Mapped[str | None] = mapped_column(String(100), index=True)
    grid: Mapped[str | None] = mapped_column(String(40))
    grid_matched: Mapped[bool | None] = mapped_column(Boolean)
    special_care: Mapped[bool | None] = mapped_column(Boolean)
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    handling_department: Mapped[str | None] = mapped_column(String(40))
    # The person the order is assigned to now: the one reader who sees the caller's number.
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    reply_cycle: Mapped[int | None] = mapped_column(Integer)


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


class IncidentRow(Base):
    """Orders about one thing (a burst main, one caller ringing every channel) grouped."""

    __tablename__ = "incidents"

    incident_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    rule: Mapped[str] = mapped_column(String(20))
    cluster_key: Mapped[str] = mapped_column(String(200), index=True)
    primary_order_id: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    community_key: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime]
    last_received_at: Mapped[datetime]
    members: Mapped[int] = mapped_column(Integer, default=1)
    major_raised_at: Mapped[datetime | None]


class PlannedOutageRow(Base):
    """A planned outage opened by hand: its window, its area, its incident."""

    __tablename__ = "planned_outages"

    outage_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(40), index=True)
    communities: Mapped[list[Any]] = mapped_column(JSON)
    community_keys: Mapped[list[Any]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime]


class CareEntryRow(Base):
    """The vulnerable-household register (Art. 4.6, 16): elderly living alone, disabled…"""

    __tablename__ = "care_register"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    community: Mapped[str | None] = mapped_column(String(100))
    community_key: Mapped[str | None] = mapped_column(String(100), index=True)
    building: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    grid: Mapped[str | None] = mapped_column(String(40))
    added_by: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[datetime]
    updated_by: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime | None]
    retired_by: Mapped[str | None] = mapped_column(String(60))
    retired_at: Mapped[datetime | None] = mapped_column(index=True)
    retired_reason: Mapped[str | None] = mapped_column(String(200))


class ActivityRow(Base):
    """Grid workers' consultations, messages and visits, kept once per ``activity_id``."""

    __tablename__ = "activities"

    activity_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReplyRow(Base):
    """A reply owed to a source, kept until delivered (the durable reply queue)."""

    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("order_id", "cycle", name="uq_replies_order_cycle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(40), ForeignKey("orders.order_id"))
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    cause_event_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    target: Mapped[str | None] = mapped_column(String(300))
    cancelled_at: Mapped[datetime | None]
    """Set by a 撤单 while the reply was unsent: the platform answers the caller itself."""


class FollowupRow(Base):
    """Each 12345 follow-up message, kept once per ``message_id`` (a resend changes nothing).
    One about an order we do not know has no ``order_id``: it waits for a person to look."""

    __tablename__ = "followups"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_no: Mapped[str] = mapped_column(String(100), index=True)
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
