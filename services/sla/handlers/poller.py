"""The SLA service's own loops, as commands in ``COMMANDS`` (``app.py`` runs them with
``shared.loops.every``): the deadline poller fires due deadlines through the outbox, a batch per
unit of work; the gauges' recount reads (on a snapshot) and sets the gauges."""

from dataclasses import dataclass

from services.sla import domain, metrics
from services.sla.domain.numbers import dept_label
from services.sla.store import FIRED, DeadlineRepository, DeadlineRow, OrderRepository
from shared.contracts import Event
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FireDue:
    """One batch of the deadlines due now; the answer is what fired (``metrics.Fired``), for
    the metrics once the batch has committed."""

    batch: int = 500


@dataclass(frozen=True)
class RecountGauges:
    """The gauges set from the database (a read: every replica reports the same)."""


async def fire_due_deadlines(command: FireDue, uow: UnitOfWork, _deps: object) -> list[Event]:
    """On PostgreSQL replicas skip each other's rows: none fires twice."""
    now, session = uow.now, uow.session
    postgres = session.get_bind().dialect.name == "postgresql"
    rows = await DeadlineRepository(session).take_due(now, command.batch, skip_locked=postgres)
    acknowledged = await OrderRepository(session).acknowledged_of({r.order_id for r in rows})
    fired: list[metrics.Fired] = []
    events: list[Event] = []
    for row in rows:
        acted_at = row.next_at or row.due_at
        firing = domain.fired(_due(row), acknowledged.get(row.order_id, False), now)
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
    uow.answer = fired
    return events


def observe_fired(done: UnitOfWork, _deps: object) -> None:
    """After the commit: a rolled-back batch counts nothing."""
    metrics.observe_fired(done.answer, done.now)


async def recount_gauges(_command: RecountGauges, uow: UnitOfWork, _deps: object) -> list[Event]:
    await metrics.recount(uow.session, uow.now)
    return []


def _due(row: DeadlineRow) -> domain.DueDeadline:
    return domain.DueDeadline(
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
    )
