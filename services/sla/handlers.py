"""The SLA service's handlers: order events start, move and stop clocks (``clocks.py``); the
poller fires due ones through the outbox."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.sla import domain, incidents, metrics
from services.sla.clocks import Clocks, SlaDeps, dept_label
from services.sla.store import CARD, FIRED, DeadlineRepository, DeadlineRow, OrderRepository
from shared.contracts import (
    AppointmentSet,
    Event,
    ExtensionGranted,
    OrderAcknowledged,
    OrderDispatched,
    OrderEnvelope,
    OrderEvent,
    OrderLinked,
    OrderReceived,
    OrderReopened,
    OrderResolved,
    OrderReturned,
    OrderSplit,
    ProgressNoted,
    ReplySent,
    ResolveDeadlineSet,
    ResolveDeadlineSetPayload,
)
from shared.db import Database
from shared.outbox import Outbox
from shared.runtime import EventHandler

__all__ = ["SlaDeps", "fire_due", "make_order_handler"]


def make_order_handler(deps: SlaDeps) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        clocks = Clocks(deps, session, now)
        before = await _resolve_clock(clocks, event.order_id)
        match event:
            case OrderReceived():
                await clocks.received(event)
            case OrderDispatched():
                await clocks.dispatched(event)
            case OrderAcknowledged():
                await clocks.acknowledged(event)
            case AppointmentSet():
                await clocks.appointment_set(event)
            case ProgressNoted(payload=p) if p.arrived_on_site:
                await clocks.deadlines.close(event.order_id, ("arrive", "appointment"))
            case ProgressNoted(payload=p) if p.caller_told:
                for row in await clocks.deadlines.open_of(event.order_id, ("appointment",)):
                    row.explained = True  # told before the time: a miss is an explained one
            case OrderReturned():
                await clocks.returned(event)
            case ExtensionGranted():
                await clocks.extension(event)
            case OrderResolved():
                await clocks.resolved(event)
            case ReplySent():
                await clocks.deadlines.close(event.order_id, ("reply",))
            case OrderReopened():
                await clocks.reopened(event)
            case OrderLinked():
                await incidents.linked(clocks, event)
            case OrderSplit():
                await incidents.split(clocks, event)
        return _resolve_moved(
            event.order_id, before, await _resolve_clock(clocks, event.order_id), now
        )

    return on_order_event


async def _resolve_clock(clocks: Clocks, order_id: str) -> DeadlineRow | None:
    rows = await clocks.deadlines.open_of(order_id, ("resolve",))
    return next((r for r in rows if r.purpose == CARD), None)


def _resolve_moved(
    order_id: str, before: DeadlineRow | None, after: DeadlineRow | None, now: datetime
) -> list[Event]:
    """The 办结时限 opened or moved: said on the order's log, so that the router's inbox shows
    the deadline this service breaches on, not a figure of its own."""
    if after is None or (before is not None and before.due_at == after.due_at):
        return []
    payload = ResolveDeadlineSetPayload(
        due=after.due_at,
        policy_due=after.policy_due,
        platform_due=after.platform_due,
        clock="24h" if after.clock == "24h" else "working_days",
    )
    return [
        ResolveDeadlineSet(
            order_id=order_id, occurred_at=now, producer=domain.PRODUCER, payload=payload
        )
    ]


async def fire_due(db: Database, outbox: Outbox, now: datetime, batch: int = 500) -> int:
    """Fires one batch of due deadlines through the outbox; returns how many acted."""
    async with db.transaction() as session:
        repo = DeadlineRepository(session)
        rows = await repo.take_due(now, batch, skip_locked=db.is_postgres)
        acknowledged = await OrderRepository(session).acknowledged_of({r.order_id for r in rows})
        events: list[OrderEnvelope] = []
        fired: list[metrics.Fired] = []
        for row in rows:
            acted_at = row.next_at or row.due_at
            firing = domain.fired(
                domain.DueDeadline(
                    order_id=row.order_id,
                    kind=row.kind,
                    purpose=row.purpose,
                    due=row.due_at,
                    warn_at=row.warn_at,
                    warned=row.warned,
                    assignment_id=row.assignment_id,
                    department=row.department,
                    assignee_id=row.assignee_id,
                    explained=row.explained,
                ),
                acknowledged.get(row.order_id, False),
                now,
            )
            if firing.done:
                row.state, row.fired_at, row.next_at = FIRED, now, None
            else:
                row.warned, row.next_at = True, firing.next_at
            events.append(firing.event)
            fired.append(
                metrics.Fired(
                    type(firing.event).__name__, row.kind, dept_label(row.department), acted_at
                )
            )
        outbox.add(session, events)
    if events:
        outbox.wake()
        metrics.observe_fired(fired, now)
    return len(events)
