"""The inbox as a grid worker reads it, pure: the router's orders joined with intake's caller
and address and with the SLA service's deadlines, nearest deadline first.

The deadline shown is the SLA service's (the clock that breaches), never a second computation:
a worker must see the time they are actually measured against."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Which of an order's clocks a worker is chasing, in its state.
_CHASED = {
    "dispatched": ("acknowledge", "appointment", "arrive", "resolve"),
}
_DEFAULT_CHASED = ("appointment", "arrive", "resolve", "reply")


@dataclass(frozen=True)
class InboxRow:
    order_id: str
    category: str
    priority: str
    state: str
    assignee_id: str
    chain_position: str
    major: bool
    address: str
    caller_name: str | None
    caller_phone: str | None
    deadline_kind: str | None
    deadline: datetime | None
    overdue: bool
    resolve_due: datetime | None


def _due(clock: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(clock["due"]))


def inbox_rows(
    routed: list[dict[str, Any]],
    received: list[dict[str, Any]],
    clocks: list[dict[str, Any]],
    now: datetime,
) -> list[InboxRow]:
    by_order = {o["order_id"]: o for o in received}
    deadlines: dict[str, list[dict[str, Any]]] = {}
    for clock in clocks:
        deadlines.setdefault(clock["order_id"], []).append(clock)
    rows = [_row(item, by_order.get(item["order_id"], {}), deadlines, now) for item in routed]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(rows, key=lambda r: (r.deadline or far, r.order_id))


def _row(
    item: dict[str, Any],
    order: dict[str, Any],
    deadlines: dict[str, list[dict[str, Any]]],
    now: datetime,
) -> InboxRow:
    own = deadlines.get(item["order_id"], [])
    chased = _CHASED.get(item["state"], _DEFAULT_CHASED)
    nearest = min((c for c in own if c["kind"] in chased), key=_due, default=None)
    resolve = next((c for c in own if c["kind"] == "resolve"), None)
    due = _due(nearest) if nearest else None
    return InboxRow(
        order_id=item["order_id"],
        category=item["category"],
        priority=item["priority"],
        state=item["state"],
        assignee_id=item["assignee_id"],
        chain_position=item["chain_position"],
        major=bool(item.get("major")),
        address=order.get("address") or order.get("community") or "",
        caller_name=order.get("caller_name"),
        caller_phone=order.get("caller_phone"),
        deadline_kind=nearest["kind"] if nearest else None,
        deadline=due,
        overdue=due is not None and due < now,
        resolve_due=_due(resolve) if resolve else None,
    )
