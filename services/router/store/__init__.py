"""The router's own database: ``tables`` (each order's routing state, its assignments, who was
told of a major event, the roster changes made over HTTP and their audit trail, outbox and
inbox) and ``repositories`` (the named statements on them; none of them commits)."""

from services.router.store.repositories import (
    InboxFilter,
    RosterRepository,
    RoutingRepository,
    current_roster,
)
from services.router.store.tables import (
    AssignmentRow,
    Base,
    InboxRow,
    MajorNotice,
    OutboxRow,
    RosterAudit,
    RosterEntry,
    RoutedOrder,
    assignment_row,
    assignment_values,
    order_of,
)

__all__ = [
    "AssignmentRow",
    "Base",
    "InboxFilter",
    "InboxRow",
    "MajorNotice",
    "OutboxRow",
    "RosterAudit",
    "RosterEntry",
    "RosterRepository",
    "RoutedOrder",
    "RoutingRepository",
    "assignment_row",
    "assignment_values",
    "current_roster",
    "order_of",
]
