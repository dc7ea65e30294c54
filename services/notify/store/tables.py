"""Notify's tables: what it knows of orders, the team duty the router named, the deliveries
(its outbox of messages to people), and the local receiver's record of what would have been
sent."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


class OrderFactRow(Base):
    __tablename__ = "order_facts"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")
    category_label: Mapped[str] = mapped_column(String(40), default="")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    deadline: Mapped[datetime | None]
    department: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    ack_due: Mapped[datetime | None]
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    primary_order_id: Mapped[str | None] = mapped_column(String(40))
    taken_in_at: Mapped[datetime | None]
    split_from: Mapped[str | None] = mapped_column(String(40))


class TeamDutyRow(Base):
    """Who the router has on a team's duty, day by day, as its latest dispatch for the team
    named them (``OrderDispatched.team_duty``): notify wakes these people and reads no rotation
    of its own (issue 19)."""

    __tablename__ = "team_duty"

    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    announced_at: Mapped[datetime]


class DeliveryRow(Base):
    """One message to one person on one channel. ``key`` makes it once: a redelivered event
    plans the same key and the insert is skipped."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    group_key: Mapped[str] = mapped_column(
        String(200), index=True, doc="The key less its channel: one person, one notification"
    )
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    incident_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    cause_event_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    sms_params: Mapped[str] = mapped_column(Text, default="{}")
    clocks: Mapped[str] = mapped_column(
        Text, default="", doc="A card's clocks, 'kind@due' separated by ';' (one message lists all)"
    )
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class LocalMessageRow(Base):
    """What the built-in local receiver recorded (the embedded default's “sent” messages)."""

    __tablename__ = "local_messages"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_key: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[str] = mapped_column(String(100), doc="Masked: a phone shows as 138****0101")
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
