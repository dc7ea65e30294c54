"""What notify knows of an order: only what a message needs (address, category, deadline, the
current assignee, the incident it belongs to, when it reached Gridline), kept from the events on
the log."""

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
    taken_in_at: datetime | None = None
    """When intake took the order in (not when the caller rang the platform)."""
    split_from: str | None = None
    """The incident the router took this order out of: it is handled, and told, on its own."""

    def expired_before_intake(self, due: datetime) -> bool:
        """A clock that had run out before the order reached Gridline: nobody here let it."""
        return self.taken_in_at is not None and due < self.taken_in_at

    @property
    def arrived_late(self) -> bool:
        return self.deadline is not None and self.expired_before_intake(self.deadline)

    @property
    def rides_on_incident(self) -> bool:
        """A caller's order worked as part of its incident (not the primary, not split off):
        what its people hear of is the incident's."""
        return (
            self.incident_id is not None
            and self.split_from is None
            and self.primary_order_id not in (None, self.order_id)
        )


Clock = tuple[str, datetime]
"""A deadline kind and when it is due."""


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
    clocks: tuple[Clock, ...] = ()
    """A card's clocks: one message lists every clock of the order that fired together."""
    told_already: tuple[str, ...] = ()
    """People who heard this in another message (the assignee's dispatch says the order came
    in late): the rules' ``who`` skips them."""
