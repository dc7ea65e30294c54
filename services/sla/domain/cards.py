"""What a deadline emits when its time comes, pure: the router's AckOverdue, a missed
appointment, a yellow card before the deadline or a red card once it passed."""

from dataclasses import dataclass
from datetime import datetime
from typing import cast, get_args

from shared.contracts import (
    AckOverdue,
    AckOverduePayload,
    AppointmentMissed,
    AppointmentMissedPayload,
    DeadlineKind,
    OrderEnvelope,
    SlaBreached,
    SlaBreachedPayload,
    SlaWarning,
    SlaWarningPayload,
)
from shared.contracts.envelopes import envelope

PRODUCER = "sla"


def as_kind(kind: str) -> DeadlineKind:
    for known in get_args(DeadlineKind):
        if kind == known:
            return cast(DeadlineKind, known)
    raise ValueError(f"unknown deadline kind {kind!r}")


@dataclass(frozen=True)
class DueDeadline:
    order_id: str
    kind: str
    purpose: str
    due: datetime
    warn_at: datetime | None
    warned: bool
    assignment_id: int | None
    department: str | None
    assignee_id: str | None
    explained: bool = False


@dataclass(frozen=True)
class Firing:
    event: OrderEnvelope
    done: bool
    """True: the deadline has fired for good; False: only its yellow card."""
    next_at: datetime | None


def fired(deadline: DueDeadline, acknowledged: bool, now: datetime) -> Firing:
    """What a deadline whose time has come emits: AckOverdue for the router's chain, a missed
    appointment, a yellow card before the deadline, or a red card once it passed. A deadline
    that passed while the service was down gets its red card only: a late yellow one helps
    nobody."""
    if deadline.purpose == "chain" and deadline.assignment_id is not None:
        event: OrderEnvelope = envelope(
            AckOverdue,
            deadline.order_id,
            AckOverduePayload(assignment_id=deadline.assignment_id, due=deadline.due),
            now,
            PRODUCER,
        )
        return Firing(event, done=True, next_at=None)
    if deadline.purpose == "appointment":
        event = envelope(
            AppointmentMissed,
            deadline.order_id,
            AppointmentMissedPayload(
                appointment_at=deadline.due,
                assignee_id=deadline.assignee_id,
                explained=deadline.explained,
            ),
            now,
            PRODUCER,
        )
        return Firing(event, done=True, next_at=None)
    kind = as_kind(deadline.kind)
    if deadline.due > now:
        event = envelope(
            SlaWarning,
            deadline.order_id,
            SlaWarningPayload(
                deadline=kind,
                due=deadline.due,
                department=deadline.department,
                assignee_id=deadline.assignee_id,
            ),
            now,
            PRODUCER,
        )
        return Firing(event, done=False, next_at=deadline.due)
    event = envelope(
        SlaBreached,
        deadline.order_id,
        SlaBreachedPayload(
            deadline=kind,
            due=deadline.due,
            department=deadline.department,
            assignee_id=deadline.assignee_id,
            acknowledged=acknowledged,
        ),
        now,
        PRODUCER,
    )
    return Firing(event, done=True, next_at=None)
