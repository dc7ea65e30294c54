"""The SLA service's handlers: events start and stop clocks; the poller fires due ones."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.sla import domain
from services.sla.store import FIRED, DeadlineRepository, DeadlineRow
from shared.contracts import (
    Event,
    OrderAcknowledged,
    OrderDispatched,
    OrderEvent,
    OrderReceived,
    OrderResolved,
)
from shared.db import Database
from shared.outbox import Outbox
from shared.runtime import EventHandler


def make_order_handler(resolve_hours_default: int) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        repo = DeadlineRepository(session)
        match event:
            case OrderReceived(payload=order):
                _add(
                    repo, event.order_id, domain.resolve_deadline(order, resolve_hours_default), now
                )
            case OrderDispatched(payload=d):
                # A new assignment replaces the old one's acknowledgement clock.
                await repo.close(event.order_id, ("acknowledge",))
                _add(
                    repo,
                    event.order_id,
                    domain.NewDeadline(
                        kind="acknowledge",
                        due=d.ack_due,
                        assignment_id=d.assignment_id,
                        department=d.department,
                        assignee_id=d.assignee_id,
                    ),
                    now,
                )
            case OrderAcknowledged():
                await repo.close(event.order_id, ("acknowledge",))
            case OrderResolved():
                await repo.close(event.order_id)
        return []

    return on_order_event


def _add(repo: DeadlineRepository, order_id: str, d: domain.NewDeadline, now: datetime) -> None:
    repo.add(
        DeadlineRow(
            order_id=order_id,
            kind=d.kind,
            assignment_id=d.assignment_id,
            department=d.department,
            assignee_id=d.assignee_id,
            due_at=d.due,
            state="open",
            created_at=now,
            fired_at=None,
        )
    )


async def fire_due(db: Database, outbox: Outbox, now: datetime, batch: int = 500) -> int:
    """Fires one batch of due deadlines through the outbox; returns how many fired."""
    async with db.transaction() as session:
        repo = DeadlineRepository(session)
        rows = await repo.take_due(now, batch, skip_locked=db.is_postgres)
        events = []
        for row in rows:
            row.state = FIRED
            row.fired_at = now
            events.append(
                domain.fired(
                    domain.DueDeadline(
                        order_id=row.order_id,
                        kind=row.kind,
                        due=row.due_at,
                        assignment_id=row.assignment_id,
                        department=row.department,
                        assignee_id=row.assignee_id,
                    ),
                    now,
                )
            )
        outbox.add(session, events)
    if events:
        outbox.wake()
    return len(events)
