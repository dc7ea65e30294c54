"""Every event of an order, from every service, lands in its one timeline (Art. 12)."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain.timeline import summarize
from services.intake.store import OrderRepository, OrderRow, TimelineRow
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
}


async def record_event(event: OrderEvent, uow: UnitOfWork, deps: IntakeDeps) -> Sequence[Event]:
    """The handler of every order event: into the order's timeline, nothing emitted."""
    await record_in_timeline(event, uow.session)
    return []


def timeline_rows(events: Sequence[OrderEvent]) -> list[TimelineRow]:
    """Intake's own events go into the timeline as they are written, not when read back."""
    return [_timeline_row(e) for e in events]


async def record_in_timeline(event: OrderEvent, session: AsyncSession) -> OrderRow | None:
    """Returns the order, or None when the event is not news (unknown order, seen before)."""
    repo = OrderRepository(session)
    order = await repo.get(event.order_id)
    if order is None or await repo.has_timeline_entry(str(event.event_id)):
        return None
    session.add(_timeline_row(event))
    if event.type in STATE_AFTER:
        order.state = STATE_AFTER[event.type]
    if isinstance(event, OrderDispatched):
        # The handling department may see a confidential caller's identity; nobody else.
        order.handling_department = event.payload.department
        order.assignee_id = event.payload.assignee_id
    if isinstance(event, OrderLinked):
        # A linked order's caller is called back by whoever holds the incident.
        order.assignee_id = event.payload.assignee_id
    if event.type == "OrderReopened":
        order.reply_cycle = (order.reply_cycle or 0) + 1  # a new resolution owes a new reply
    return order


def _timeline_row(event: OrderEvent) -> TimelineRow:
    return TimelineRow(
        order_id=event.order_id,
        event_id=str(event.event_id),
        event_type=event.type,
        occurred_at=event.occurred_at,
        producer=event.producer,
        payload=event.payload.model_dump(mode="json"),
        summary=summarize(event),
    )
