"""What intake's HTTP answers look like, and who may see a caller's identity."""

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from services.intake.store import OrderRow
from shared.auth import Principal
from shared.masking import mask_json, mask_phone


class OrderAccepted(BaseModel):
    order_id: str = Field(examples=["GL-20261127-7F3K9Q01"])
    created: bool = Field(description="False when the same source number was already received")
    category: str
    incident_id: str | None = None


class ItemAccepted(BaseModel):
    index: int
    status: str = Field(examples=["created", "duplicate", "registered", "recorded"])
    order_id: str | None = None
    category: str | None = None
    incident_id: str | None = None
    register_id: int | None = None
    activity_id: str | None = None


class BatchAccepted(BaseModel):
    created: int
    items: list[ItemAccepted]


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    occurred_at: str
    producer: str
    summary: str
    payload: dict[str, Any]


class ReplyView(BaseModel):
    channel: str
    state: str = Field(examples=["pending", "sent"])
    attempts: int
    sent_at: str | None
    last_error: str | None


class OrderView(BaseModel):
    order_id: str
    source: str
    source_ref: str
    category: str
    priority: str
    state: str
    caller_name: str | None
    caller_phone: str | None
    received_at: str
    grid: str | None = None
    grid_matched: bool | None = Field(None, description="False: the address matches no grid")
    special_care: bool = False
    incident_id: str | None = None
    handling_department: str | None = None
    replies: list[ReplyView] = Field(default_factory=list)
    timeline: list[TimelineEntry]


class IncidentMember(BaseModel):
    order_id: str
    source: str
    category: str
    received_at: str
    caller_phone: str | None


class IncidentView(BaseModel):
    incident_id: str
    rule: str
    primary_order_id: str
    category: str
    members: int
    major_event: bool
    orders: list[IncidentMember]


def is_owner(who: Principal, order: OrderRow) -> bool:
    """The department handling the order (its staff and its head)."""
    return (
        who.is_any("department", "head")
        and order.handling_department is not None
        and who.department == order.handling_department
    )


def is_assignee(who: Principal, order: OrderRow) -> bool:
    """The person the order is assigned to now (the token's subject is their person id)."""
    return (
        order.assignee_id is not None
        and who.subject != ""
        and who.subject.upper() == order.assignee_id.upper()
    )


def caller_identity(who: Principal, order: OrderRow) -> tuple[str | None, str | None]:
    """Name and phone as this reader may see them: the number in full only for the person the
    order is assigned to (they call back), masked for everyone else; a confidential 12345
    caller is shown to nobody outside the handling department."""
    name = mask_phone(order.caller_name) if order.caller_name else None
    if is_assignee(who, order):
        return name, order.caller_phone
    if is_owner(who, order):
        return name, mask_phone(order.caller_phone) if order.caller_phone else None
    if order.confidential:
        return None, None
    return name, mask_phone(order.caller_phone) if order.caller_phone else None


def masked(value: Any) -> Any:
    """Phones inside any JSON value masked (notes written by staff may quote a caller's)."""
    return mask_json(value)


def departments_of(order: OrderRow, dispatched_to: Iterable[str]) -> set[str]:
    """Every department the order was ever given to: the one handling it now and each one a
    dispatch named (a department that returned it keeps its view of what it did)."""
    named = {d for d in dispatched_to if d}
    return named | ({order.handling_department} if order.handling_department else set())


def may_read_timeline(who: Principal, departments: set[str]) -> bool:
    """Operators (who answer "where is my order?"), the operations room and admins read every
    order; a department's staff and its head read the orders given to their department."""
    if who.is_any("operator", "ops", "admin"):
        return True
    return who.is_any("department", "head") and who.department in departments


class PendingReply(BaseModel):
    order_id: str
    channel: str
    attempts: int
    last_error: str | None
    created_at: str
    next_attempt_at: str
    platform_deadline: str | None


class PendingReplies(BaseModel):
    pending: int
    items: list[PendingReply]
