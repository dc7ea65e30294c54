"""What notify knows of an order: only what a message needs (address, category, deadline, the
current assignee, the incident it belongs to), kept from the events on the log."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OrderFacts:
    order_id: str
    address: str = ""
    category_label: str = ""
    priority: str = "normal"
    deadline: datetime | None = None
    department: str | None = None
    team: str | None = None
    assignee_id: str | None = None
    assignment_id: int | None = None
    ack_due: datetime | None = None
    incident_id: str | None = None
    primary_order_id: str | None = None


@dataclass(frozen=True)
class Notification:
    """One event that someone must hear of (before the rules say who and how)."""

    notice: str
    cause_id: str
    """Stable across redeliveries and re-emissions: the dedupe key is built on it."""
    facts: OrderFacts | None
    urgency: str = "normal"
    reason: str = ""
    named: tuple[str, ...] = ()
    """People the event itself names (a major event's ``notify``)."""
    deadline: datetime | None = None
    assignment_id: int | None = None
    cause_event_id: str | None = None
