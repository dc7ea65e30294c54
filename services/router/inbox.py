"""A department's inbox (``GET /v1/inbox``): its orders, a chased open one first (12345's
催办 or 督办, the latest on top), then the soonest acknowledgement, each with its time left."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from services.router.store import InboxFilter, RoutedOrder, RoutingRepository
from shared.clock import to_local


class InboxItem(BaseModel):
    order_id: str
    category: str
    priority: str
    state: str
    grid: str | None
    assignee_id: str
    chain_position: str
    assignment_id: int
    ack_due: str
    seconds_to_ack: int
    deadline: str | None
    seconds_to_deadline: int | None
    major: bool
    incident_id: str | None = None
    callers: int = 1  # the orders this assignment answers: the incident's, not split off
    appointment_at: str | None = None
    address: str = ""
    urge_count: int = Field(0, description="12345 催办 on the order so far")
    supervise_count: int = Field(0, description="12345 督办 on the order so far")
    urged_at: str | None = Field(None, description="The latest 催办 or 督办 (Beijing time)")


class Inbox(BaseModel):
    department: str
    total: int
    items: list[InboxItem]


async def department_inbox(
    session: AsyncSession,
    department: str,
    filters: InboxFilter,
    page: tuple[int, int],
    now: datetime,
) -> Inbox:
    """A department's orders, a chased open one first (the latest 催办 or 督办 on top), then
    the soonest acknowledgement, with the time left."""
    limit, offset = page
    repo = RoutingRepository(session)
    rows = await repo.inbox(department, filters, limit, offset)
    total = await repo.count(department, filters)
    riders = await repo.linked_counts([r.order_id for r in rows if r.incident_id])
    items = [_inbox_item(r, now, 1 + riders.get(r.order_id, 0)) for r in rows]
    return Inbox(department=department, total=total, items=items)


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _seconds_left(due: datetime, now: datetime) -> int:
    return int((due - now).total_seconds())


def _inbox_item(r: RoutedOrder, now: datetime, callers: int = 1) -> InboxItem:
    return InboxItem(
        order_id=r.order_id,
        category=r.category,
        priority=r.priority,
        state=r.state,
        grid=r.grid,
        assignee_id=r.assignee_id,
        chain_position=r.chain_position,
        assignment_id=r.assignment_id,
        ack_due=to_local(r.ack_due).isoformat(),
        seconds_to_ack=_seconds_left(r.ack_due, now),
        deadline=_local(r.deadline),
        seconds_to_deadline=_seconds_left(r.deadline, now) if r.deadline else None,
        major=r.major,
        incident_id=r.incident_id,
        callers=callers if r.primary_order_id is None else 1,
        appointment_at=_local(r.appointment_at),
        address=_address_of(r.order),
        urge_count=r.urge_count or 0,
        supervise_count=r.supervise_count or 0,
        urged_at=_local(r.urged_at),
    )


def _address_of(order: dict[str, Any]) -> str:
    address = order.get("address") or {}
    if address.get("text"):
        return str(address["text"])
    parts = [address.get(k) for k in ("community", "building", "unit", "room")]
    return " ".join(str(p) for p in parts if p)
