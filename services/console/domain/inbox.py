"""The inbox as a grid worker reads it, pure: the router's orders, a chased one (12345's 催办 or
督办) first, then the nearest deadline, with intake's caller and address.

The deadlines are the SLA service's: the sign-for time is the one the router gave the SLA
(``ack_due``, which the SLA's acknowledge clock runs to), and the 办结时限 is the one the SLA
computed and said on the order log (ResolveDeadlineSet), which the router's inbox carries. A
worker sees the time they are actually measured against, from one source."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
    urge_count: int = 0
    supervise_count: int = 0
    urged_at: datetime | None = None  # the latest 催办 or 督办 while the order is open


_CLOSED = ("resolved", "withdrawn")


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def chased(item: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """The deadline the worker is chasing now: signing for an unsigned order, else the agreed
    appointment if it comes first, else the 办结时限."""
    if item["state"] == "dispatched":
        return "acknowledge", _when(item["ack_due"])
    resolve = _when(item.get("deadline"))
    appointment = _when(item.get("appointment_at"))
    if appointment is not None and (resolve is None or appointment < resolve):
        return "appointment", appointment
    return ("resolve", resolve) if resolve is not None else (None, None)


def inbox_rows(
    routed: list[dict[str, Any]], received: list[dict[str, Any]], now: datetime
) -> list[InboxRow]:
    by_order = {o["order_id"]: o for o in received}
    rows = [_row(item, by_order.get(item["order_id"], {}), now) for item in routed]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: (r.deadline or far, r.order_id))
    # A chased order rises above every deadline, the latest chase on top (the router's order).
    return sorted(rows, key=lambda r: -r.urged_at.timestamp() if r.urged_at else float("inf"))


def _row(item: dict[str, Any], order: dict[str, Any], now: datetime) -> InboxRow:
    kind, due = chased(item)
    return InboxRow(
        order_id=item["order_id"],
        category=item["category"],
        priority=item["priority"],
        state=item["state"],
        assignee_id=item["assignee_id"],
        chain_position=item["chain_position"],
        major=bool(item.get("major")),
        address=order.get("address") or item.get("address") or order.get("community") or "",
        caller_name=order.get("caller_name"),
        caller_phone=order.get("caller_phone"),
        deadline_kind=kind,
        deadline=due,
        overdue=due is not None and due < now,
        resolve_due=_when(item.get("deadline")),
        urge_count=int(item.get("urge_count") or 0),
        supervise_count=int(item.get("supervise_count") or 0),
        urged_at=_when(item.get("urged_at")) if item["state"] not in _CLOSED else None,
    )
