"""Deadline decisions, pure: which clocks an event starts, stops, and what a due one emits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.contracts import (
    AckOverdue,
    AckOverduePayload,
    DeadlineKind,
    OrderEnvelope,
    OrderReceivedPayload,
    SlaBreached,
    SlaBreachedPayload,
)

PRODUCER = "sla"


@dataclass(frozen=True)
class NewDeadline:
    kind: DeadlineKind
    due: datetime
    assignment_id: int | None = None
    department: str | None = None
    assignee_id: str | None = None


def resolve_deadline(order: OrderReceivedPayload, default_hours: int) -> NewDeadline:
    """The policy limit, or the platform's own deadline if that is sooner: the earlier governs."""
    due = order.received_at + timedelta(hours=default_hours)
    if order.platform_deadline is not None and order.platform_deadline < due:
        due = order.platform_deadline
    return NewDeadline(kind="resolve", due=due)


@dataclass(frozen=True)
class DueDeadline:
    order_id: str
    kind: str
    due: datetime
    assignment_id: int | None
    department: str | None
    assignee_id: str | None


def fired(deadline: DueDeadline, now: datetime) -> OrderEnvelope:
    """The event a passed deadline emits: AckOverdue for the router's chain, else a red card."""
    if deadline.kind == "acknowledge" and deadline.assignment_id is not None:
        return AckOverdue(
            order_id=deadline.order_id,
            occurred_at=now,
            producer=PRODUCER,
            payload=AckOverduePayload(assignment_id=deadline.assignment_id, due=deadline.due),
        )
    return SlaBreached(
        order_id=deadline.order_id,
        occurred_at=now,
        producer=PRODUCER,
        payload=SlaBreachedPayload(
            deadline=deadline.kind,
            due=deadline.due,
            department=deadline.department,
            assignee_id=deadline.assignee_id,
        ),
    )
