"""Every event of an order, from every service, lands in its one timeline (Art. 12)."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain.timeline import summarize
from services.intake.store import OrderRepository, OrderRow
from shared.contracts import Event, OrderDispatched, OrderEvent, OrderLinked
from shared.unit_of_work import UnitOfWork

# The order's state as the timeline shows it, by the event that moved it.
STATE_AFTER = {
    "OrderDispatched": "dispatched",
    "OrderAcknowledged": "acknowledged",
    "OrderReturned": "returned",
    "OrderResolved": "resolved",
    "ReplySent": "replied",
    "OrderReopened": "reopened",
    "OrderLinked": "linked",
    "OrderSplit": "split",
    "OrderWithdrawn": "withdrawn",
}


async def record_event(event: OrderEvent, uow: UnitOfWork, deps: IntakeDeps) -> Sequence[Event]:
    """The handler of every order event: into the order's timeline, nothing emitted."""
    departments = {d.code: d.name for d in deps.org.departments}
    await record_once(event, uow.session, departments)
    return []


async def record_own_events(session: AsyncSession, events: Sequence[OrderEvent]) -> None:
    """Intake's own events go into the timeline as they are written, not when read back."""
    await OrderRepository(session).add_timeline([_timeline_row(e) for e in events])


async def record_once(
    event: OrderEvent, session: AsyncSession, departments: Mapping[str, str] | None = None
) -> bool:
    """The event into its order's timeline and the order's state after it; False when the
    event is not news (unknown order, seen before): then nothing is written."""
    repo = OrderRepository(session)
    if not await repo.add_timeline_once(_timeline_row(event, departments)):
        return False
    change = _state_change(event)
    if change is not None:
        await repo.set_state(*change)
    return True


async def record_in_timeline(event: OrderEvent, session: AsyncSession) -> OrderRow | None:
    """Returns the order as the event left it, or None when the event is not news."""
    if not await record_once(event, session):
        return None
    return await OrderRepository(session).fresh(event.order_id)


def _state_change(event: OrderEvent) -> tuple[str, dict[str, Any]] | None:
    """Which ``SET_STATE`` statement the event needs, with its values."""
    state = STATE_AFTER.get(event.type)
    if state is None:
        return None
    values: dict[str, Any] = {"key": event.order_id, "state": state}
    if isinstance(event, OrderDispatched):
        # The handling department may see a confidential caller's identity; nobody else.
        department, assignee = event.payload.department, event.payload.assignee_id
        return "dispatched", values | {"department": department, "assignee_id": assignee}
    if isinstance(event, OrderLinked):
        # A linked order's caller is called back by whoever holds the incident.
        return "linked", values | {"assignee_id": event.payload.assignee_id}
    if event.type == "OrderReopened":
        return "reopened", values  # a new resolution owes a new reply: reply_cycle + 1
    return "state", values


def _timeline_row(
    event: OrderEvent, departments: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "order_id": event.order_id,
        "event_id": str(event.event_id),
        "event_type": event.type,
        "occurred_at": event.occurred_at,
        "producer": event.producer,
        "payload": event.payload.model_dump(mode="json"),
        "summary": summarize(event, departments),
    }
