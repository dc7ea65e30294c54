"""What the order log tells notify: the facts it keeps of each order (address, deadline,
incident, assignee) and the messages an event causes."""

from collections.abc import Sequence

from services.notify.config import NotifyDeps
from services.notify.domain.notices import notifications_for
from services.notify.handlers.deliveries import enqueue
from services.notify.store import FactRepository, OrderFactRow, TeamDutyRepository
from shared.contracts import (
    DuplicateLinked,
    Event,
    MajorEventRaised,
    OrderDispatched,
    OrderEvent,
    OrderReceived,
    OrderSplit,
    OrderSupervised,
    OrderUrged,
    ReturnRefused,
    SlaBreached,
    SlaWarning,
)
from shared.unit_of_work import UnitOfWork


async def remember(event: OrderEvent, facts: FactRepository) -> OrderFactRow | None:
    """Updates what notify knows of the order; the row, for events that may notify."""
    match event:
        case OrderReceived(payload=p):
            row = await facts.get_or_new(event.order_id)
            row.address = p.address.text
            row.category_label = p.category_label
            row.priority = p.priority
            row.deadline = p.platform_deadline
            row.taken_in_at = row.taken_in_at or event.occurred_at
            return None
        case DuplicateLinked(payload=p):
            for order_id in (event.order_id, p.primary_order_id):
                linked = await facts.get_or_new(order_id)
                if linked.split_from == p.incident_id:
                    continue  # already taken out of it: it stays on its own
                linked.incident_id = p.incident_id
                linked.primary_order_id = p.primary_order_id
            return None
        case OrderSplit(payload=p):
            # Out of the incident: its dispatches are its own news, not the incident's.
            row = await facts.get_or_new(event.order_id)
            row.split_from = p.incident_id
            row.incident_id, row.primary_order_id = None, None
            return None
        case OrderDispatched(payload=p):
            row = await facts.get_or_new(event.order_id)
            row.department, row.team = p.department, p.team
            row.assignee_id, row.assignment_id, row.ack_due = (
                p.assignee_id,
                p.assignment_id,
                p.ack_due,
            )
            row.priority = p.priority
            return row
        case MajorEventRaised(payload=p):
            row = await facts.get_or_new(event.order_id)
            if p.incident_id and row.incident_id is None and row.split_from is None:
                row.incident_id = p.incident_id
            if p.department and row.department is None:
                row.department = p.department
            return row
        case SlaWarning() | SlaBreached() | OrderUrged() | OrderSupervised() | ReturnRefused():
            return await facts.get(event.order_id)
    return None


async def on_order_event(event: OrderEvent, uow: UnitOfWork, deps: NotifyDeps) -> Sequence[Event]:
    """Keeps what the event tells of its order; plans the messages it causes."""
    if isinstance(event, OrderDispatched) and event.payload.team and event.payload.team_duty:
        # Who the router has on the team's duty, before this dispatch's own messages plan.
        days = [d.model_dump(mode="json") for d in event.payload.team_duty]
        await TeamDutyRepository(uow.session).announce(event.payload.team, days, event.occurred_at)
    row = await remember(event, FactRepository(uow.session))
    if row is None:
        return []
    await uow.session.flush()
    out: list[Event] = []
    for n in notifications_for(event, row.facts()):
        out += (await enqueue(uow.session, deps, n, uow.now)).events
    return out
