"""Assigned tasks (交办任务, Art. 18(一)7): a head gives one, it is done (in time or late), or its
deadline passes open — found by the sweep job (``jobs``), so the head sees the −2 when it falls
due, not only at the month's close.

Lateness is a ``TaskLate`` event per worker on the log (so a replay rebuilds the entry), applied
in the same unit of work and claimed under the activity consumer, like the heads' decisions.
``TaskAssigned`` (one per worker) is on the log for whoever tells the worker (notify, console).
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from services.scoring.config import ScoringDeps
from services.scoring.domain import tasks
from services.scoring.domain.grid_workers import grid_workers
from services.scoring.domain.refusals import NoSuchTask
from services.scoring.handlers.decisions import OWN_DECISIONS, PRODUCER
from services.scoring.handlers.events import ACTIVITY_CONSUMER, apply_event
from services.scoring.store import TaskRepository, TaskRow
from shared.auth import Principal
from shared.contracts import (
    Event,
    TaskAssigned,
    TaskAssignedPayload,
    TaskLate,
    TaskLatePayload,
)
from shared.contracts.envelopes import envelope
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AssignTask:
    """A head gives a task to their own department's workers (an admin to anyone); answers the
    task's id."""

    who: Principal
    title: str
    done_when: str
    deadline: datetime
    worker_ids: tuple[str, ...]


@dataclass(frozen=True)
class FinishTask:
    """The task is done (by one of its workers, their head or an admin); answers the task's id.
    A task already done stays as it was: marking it again changes nothing."""

    who: Principal
    task_id: str
    note: str | None


@dataclass(frozen=True)
class RaiseLateTasks:
    """The sweep's round: open tasks past their deadline become late, each once."""


async def assign_task(command: AssignTask, uow: UnitOfWork, deps: ScoringDeps) -> list[Event]:
    who = command.who
    departments = {w.id: w.department for w in grid_workers(deps.org)}
    request = tasks.Assignment(who.kind, who.department, command.worker_ids, command.deadline)
    workers = tasks.check_assignment(request, departments, uow.now)
    by = who.subject or who.role
    row = TaskRow(
        task_id=str(uuid4()),
        title=command.title,
        done_when=command.done_when,
        deadline=command.deadline,
        assigned_by=by,
        assigned_at=uow.now,
    )
    await TaskRepository(uow.session).add(row, {w: departments[w] for w in workers})
    uow.answer = row.task_id
    return [
        envelope(
            TaskAssigned,
            w,
            TaskAssignedPayload(
                task_id=row.task_id,
                title=row.title,
                done_when=row.done_when,
                deadline=row.deadline,
                department=departments[w],
                by=by,
            ),
            uow.now,
            PRODUCER,
        )
        for w in workers
    ]


async def _late(
    row: TaskRow, workers: list[str], uow: UnitOfWork, deps: ScoringDeps
) -> list[Event]:
    """Each worker's TaskLate, applied now and claimed: consumed back, it changes nothing."""
    row.late_at = uow.now
    events: list[Event] = []
    for worker_id in workers:
        event = envelope(
            TaskLate,
            worker_id,
            TaskLatePayload(
                task_id=row.task_id, title=row.title, deadline=row.deadline, done_at=row.done_at
            ),
            uow.now,
            PRODUCER,
        )
        await OWN_DECISIONS.claim(uow.session, event.event_id, ACTIVITY_CONSUMER, uow.now)
        await apply_event(event, uow.session, deps.book)
        events.append(event)
    return events


async def finish_task(command: FinishTask, uow: UnitOfWork, deps: ScoringDeps) -> list[Event]:
    repo = TaskRepository(uow.session)
    row = await repo.get(command.task_id)
    workers = (await repo.workers([command.task_id]))[command.task_id] if row else {}
    who = command.who
    if row is None or not tasks.may_finish(who.kind, who.subject, who.department, workers):
        raise NoSuchTask(command.task_id)
    uow.answer = row.task_id
    if row.done_at is not None:
        return []  # done once: a second press (or a retry) adds nothing
    row.done_at, row.done_by, row.note = uow.now, who.subject or who.role, command.note
    if row.late_at is None and tasks.is_late(row.deadline, row.done_at):
        return await _late(row, sorted(workers), uow, deps)
    return []


async def raise_late_tasks(
    _command: RaiseLateTasks, uow: UnitOfWork, deps: ScoringDeps
) -> list[Event]:
    repo = TaskRepository(uow.session)
    overdue = await repo.overdue(uow.now)
    workers = await repo.workers([t.task_id for t in overdue])
    events: list[Event] = []
    for row in overdue:
        events += await _late(row, sorted(workers[row.task_id]), uow, deps)
    return events
