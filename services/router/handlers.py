"""The router's event handlers: load, decide (domain), save + the events it causes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.router import domain
from services.router.store import AssignmentRow, RoutedOrder, RoutingRepository
from shared.contracts import Event, OrderEvent, OrderReceived
from shared.organisation import Organisation
from shared.runtime import EventHandler


@dataclass(frozen=True)
class RouterDeps:
    org: Organisation
    ack_minutes_normal: int
    ack_minutes_urgent: int


def make_order_handler(deps: RouterDeps) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        if isinstance(event, OrderReceived):
            return await dispatch_new_order(event, session, now, deps)
        return []

    return on_order_event


async def dispatch_new_order(
    event: OrderReceived, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    repo = RoutingRepository(session)
    if await repo.get(event.order_id) is not None:
        return []  # already routed: a replayed OrderReceived changes nothing
    order = event.payload
    chosen = domain.first_assignment(order, deps.org)
    due = domain.ack_due(order.priority, now, deps.ack_minutes_normal, deps.ack_minutes_urgent)
    out = domain.dispatched(event.order_id, 1, chosen, order, due, now)
    repo.add(
        RoutedOrder(
            order_id=event.order_id,
            category=order.category,
            priority=order.priority,
            state="dispatched",
            department=chosen.department,
            grid=chosen.grid,
            assignee_id=chosen.assignee_id,
            chain_position=chosen.position,
            assignment_id=1,
            ack_due=due,
            received_at=order.received_at,
            order=order.model_dump(mode="json"),
        ),
        AssignmentRow(
            order_id=event.order_id,
            assignment_id=1,
            department=chosen.department,
            assignee_id=chosen.assignee_id,
            chain_position=chosen.position,
            dispatched_at=now,
            ack_due=due,
            acknowledged_at=None,
            skipped=[s.model_dump(mode="json") for s in chosen.skipped],
        ),
    )
    return [out]
