"""The router's tables: each order's routing state, its assignments, who was told of a major
event, and the roster changes heads make over HTTP (with their audit trail)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from services.router.domain.chain import Assignment
from shared.contracts import OrderReceivedPayload
from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


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
    returns: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    major: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deadline: Mapped[datetime | None]
    extension_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_request: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # A 12345 order's 退单 asked of the platform, until it decides (reason, by, at).
    return_request: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    appointment_at: Mapped[datetime | None]
    complaint_verdict: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime | None]
    # An incident's orders: the primary carries ``incident_id``; a linked (or split) order also
    # names its ``primary_order_id`` and follows the primary's assignment while linked.
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    primary_order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    split_rule: Mapped[str | None] = mapped_column(String(20))
    # 第 N 次办理: 1 until a reopen (重办); nullable so rows from before it stay valid.
    round: Mapped[int | None] = mapped_column(Integer)
    # 12345's 催办 and 督办: counted for the holder's card and the duty room; the last one's
    # time puts the order at the top of its holder's inbox while it is still open.
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    supervise_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    urged_at: Mapped[datetime | None]


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


def order_of(row: RoutedOrder) -> OrderReceivedPayload:
    """The order as received, kept whole on its routing row."""
    return OrderReceivedPayload.model_validate(row.order)


def assignment_values(
    order_id: str, number: int, chosen: Assignment, now: datetime, due: datetime
) -> dict[str, Any]:
    """An assignment's columns, as a Core insert takes them (and the ORM row is built from)."""
    return {
        "order_id": order_id,
        "assignment_id": number,
        "department": chosen.department,
        "assignee_id": chosen.assignee_id,
        "chain_position": chosen.position,
        "dispatched_at": now,
        "ack_due": due,
        "acknowledged_at": None,
        "skipped": [s.model_dump(mode="json") for s in chosen.skipped],
    }


def assignment_row(
    order_id: str, number: int, chosen: Assignment, now: datetime, due: datetime
) -> AssignmentRow:
    return AssignmentRow(**assignment_values(order_id, number, chosen, now, due))


class MajorNotice(Base):
    """Who was told of a major event, per incident (keyed by its primary order) or order: one
    notice per incident per recipient (Art. 7 at once, not once per caller)."""

    __tablename__ = "major_notices"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class RosterEntry(Base):
    """The current value of one roster item changed over HTTP; it replaces the file's value."""

    __tablename__ = "roster_entries"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # leave, overrides, rotation
    subject: Mapped[str] = mapped_column(String(40), primary_key=True)  # person or unit code
    body: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class RosterAudit(Base):
    """Every roster change on the record: who, when, before, after."""

    __tablename__ = "roster_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(40), index=True)
    who: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    before: Mapped[list[Any]] = mapped_column(JSON)
    after: Mapped[list[Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
