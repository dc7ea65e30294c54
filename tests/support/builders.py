"""Events as producers build them, for tests: one order received (a 96568 leak at 水城花园 unless
told otherwise), dispatched, acknowledged. A test names only what matters to it."""

from datetime import datetime, timedelta
from typing import Any

from shared.contracts import (
    Address,
    OrderAcknowledged,
    OrderAcknowledgedPayload,
    OrderDispatched,
    OrderDispatchedPayload,
    OrderReceived,
    OrderReceivedPayload,
)


def order_received(order_id: str, at: datetime, **changes: Any) -> OrderReceived:
    """Intake's ``OrderReceived``; ``changes`` replace payload fields (``source``,
    ``category``, ``address``, ``platform_deadline`` …)."""
    payload = OrderReceivedPayload(
        source="96568",
        source_ref=f"ref-{order_id}",
        category="LEAK",
        category_label="漏水",
        address=Address(text="水城花园5号楼", community="水城花园"),
        received_at=at,
    ).model_copy(update=changes)
    return OrderReceived(order_id=order_id, occurred_at=at, producer="intake", payload=payload)


def order_dispatched(
    order_id: str,
    at: datetime,
    *,
    assignment: int = 1,
    department: str = "USER_MAINTENANCE",
    assignee: str = "W-0301",
    ack_minutes: int = 10,
    **changes: Any,
) -> OrderDispatched:
    """The router's ``OrderDispatched`` to an A post; ``changes`` replace payload fields."""
    payload = OrderDispatchedPayload(
        assignment_id=assignment,
        department=department,
        assignee_id=assignee,
        chain_position="A",
        ack_due=at + timedelta(minutes=ack_minutes),
    ).model_copy(update=changes)
    return OrderDispatched(order_id=order_id, occurred_at=at, producer="router", payload=payload)


def order_acknowledged(
    order_id: str, at: datetime, *, assignment: int = 1, department: str = "USER_MAINTENANCE"
) -> OrderAcknowledged:
    payload = OrderAcknowledgedPayload(assignment_id=assignment, by="W", department=department)
    return OrderAcknowledged(order_id=order_id, occurred_at=at, producer="router", payload=payload)
