"""What the order log tells notify: the facts it keeps of each order (address, deadline,
incident, assignee) and the messages an event causes."""

from collections.abc import Sequence
from dataclasses import replace

from services.notify.config import NotifyDeps
from services.notify.domain.facts import OrderFacts
from services.notify.domain.notices import notifications_for
from services.notify.handlers.deliveries import enqueue
from services.notify.store import FactRepository, TeamDutyRepository
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


async def remember(event: OrderEvent, facts: FactRepository) -> OrderFacts | None:
    """Updates what notify knows of the order; its facts, for events that may notify."""
    match event:
        case OrderReceived(payload=p):
            row, stored = await facts.get_or_new(event.order_id)
            await facts.save(
                replace(
                    row,
                    address=p.address.text,
                    category_label=p.category_label,
                    priority=p.priority,
                    deadline=p.platform_deadline,
                    taken_in_at=row.taken_in_at or event.occurred_at,
                ),
                stored,
            )
            return None
        case DuplicateLinked(payload=p):
            for order_id in (event.order_id, p.primary_order_id):
                linked, stored = await facts.get_or_new(order_id)
                if linked.split_from == p.incident_id:
                    if not stored:
                        await facts.save(linked, stored)
                    continue  # already taken out of it: it stays on its own
                linked = replace(
                    linked, incident_id=p.incident_id, primary_order_id=p.primary_order_id
                )
                await facts.save(linked, stored)
            return None
        case OrderSplit(payload=p):
            # Out of the incident: its dispatches are its own news, not the incident's.
            row, stored = await facts.get_or_new(event.order_id)
            row = replace(row, split_from=p.incident_id, incident_id=None, primary_order_id=None)
            await facts.save(row, stored)
            return None
        case OrderDispatched(payload=p):
            row, stored = await facts.get_or_new(event.order_id)
            row = replace(
                row,
                department=p.department,
                team=p.team,
                assignee_id=p.assignee_id,
                assignment_id=p.assignment_id,
                ack_due=p.ack_due,
                priority=p.priority,
            )
            await facts.save(row, stored)
            return row
        case MajorEventRaised(payload=p):
            row, stored = await facts.get_or_new(event.order_id)
            if p.incident_id and row.incident_id is None and row.split_from is None:
                row = replace(row, incident_id=p.incident_id)
            if p.department and row.department is None:
                row = replace(row, department=p.department)
            await facts.save(row, stored)
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
    out: list[Event] = []
    for n in notifications_for(event, row):
        out += (await enqueue(uow.session, deps, n, uow.now)).events
    return out
