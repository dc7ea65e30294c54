"""Intake's commands and event handlers: load, decide (domain), save + outbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain import NormalizedOrder, new_order_id, received_event
from services.intake.store import OrderRepository, OrderRow, TimelineRow
from services.intake.timeline import summarize
from shared.contracts import Event, OrderEvent
from shared.outbox import Outbox

# The order's state as the timeline shows it, by the event that moved it.
STATE_AFTER = {
    "OrderDispatched": "dispatched",
    "OrderAcknowledged": "acknowledged",
    "OrderReturned": "returned",
    "OrderResolved": "resolved",
    "ReplySent": "replied",
    "OrderReopened": "reopened",
}


@dataclass(frozen=True)
class Submitted:
    order_id: str
    created: bool


async def submit_order(
    session: AsyncSession, outbox: Outbox, order: NormalizedOrder, now: datetime
) -> Submitted:
    """Stores a new order with its ``OrderReceived`` in one transaction, or finds the first one
    with the same source number (the same order pushed twice is one order)."""
    repo = OrderRepository(session)
    existing = await repo.by_source_ref(order.source, order.source_ref)
    if existing is not None:
        return Submitted(existing.order_id, created=False)
    order_id = new_order_id(now)
    row = OrderRow(
        order_id=order_id,
        source=order.source,
        source_ref=order.source_ref,
        category=order.payload.category,
        priority=order.payload.priority,
        caller_name=order.caller.name,
        caller_phone=order.caller.phone,
        confidential=order.caller.confidential,
        received_at=order.payload.received_at,
        created_at=now,
        state="received",
        canonical=order.payload.model_dump(mode="json"),
        raw=order.raw,
    )
    if not await repo.add(row):
        raced = await repo.by_source_ref(order.source, order.source_ref)
        if raced is None:  # pragma: no cover - the unique key can only clash with a stored row
            raise RuntimeError("order vanished after a unique-key clash")
        return Submitted(raced.order_id, created=False)
    event = received_event(order_id, order, now)
    outbox.add(session, [event])
    session.add(_timeline_row(event))
    return Submitted(order_id, created=True)


async def record_in_timeline(
    event: OrderEvent, session: AsyncSession, now: datetime
) -> Sequence[Event]:
    """Every event of an order, from every service, lands in its one timeline (Art. 12)."""
    repo = OrderRepository(session)
    order = await repo.get(event.order_id)
    if order is None or await repo.has_timeline_entry(str(event.event_id)):
        return []
    session.add(_timeline_row(event))
    if event.type in STATE_AFTER:
        order.state = STATE_AFTER[event.type]
    return []


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
