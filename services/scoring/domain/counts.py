"""Which monthly counter an event moves, and in which month (Beijing months)."""

from datetime import datetime

from shared.clock import to_local
from shared.contracts import (
    ActivityEvent,
    GridActivityRecorded,
    OrderDispatched,
    OrderEvent,
    OrderResolved,
)

DISPATCHED = "orders_dispatched"
ORDERS_HANDLED = "orders_handled"
CONSULTATIONS = "consultations"
MESSAGES = "messages"
VISITS = "visits"


def month_of(when: datetime) -> str:
    """Months are Beijing months: an order at 00:30 on the 1st belongs to the new month."""
    return f"{to_local(when):%Y-%m}"


def counter_moves(event: OrderEvent | ActivityEvent) -> list[tuple[str, str, str]]:
    """(worker, month, counter) for each count the event adds one to."""
    match event:
        case OrderDispatched(payload=d):
            return [(d.assignee_id, month_of(event.occurred_at), DISPATCHED)]
        case OrderResolved(payload=r) if r.cascaded_from:
            return []  # resolved with its incident: the incident counts once, on its primary
        case OrderResolved(payload=r) if r.round > 1:
            return []  # a redone order (重办) was counted when its first round was resolved
        case OrderResolved(payload=r):
            # 处理工单数量: the orders the worker resolved themselves.
            return [(r.by, month_of(event.occurred_at), ORDERS_HANDLED)]
        case GridActivityRecorded(payload=a):
            if a.kind == "consultation":
                # On-site answers count only with the customer's signature (Art. 18(二)3).
                if a.channel == "onsite" and not a.customer_signed:
                    return []
                return [(a.worker_id, month_of(a.at), CONSULTATIONS)]
            return [(a.worker_id, month_of(a.at), MESSAGES if a.kind == "message" else VISITS)]
        case _:
            return []
