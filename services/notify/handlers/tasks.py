"""What ``gridline.activity`` tells notify: a notice task (issue 19) or a task the head assigned
(issue 23) given to a worker becomes a message to that worker."""

from collections.abc import Sequence

from services.notify.config import NotifyDeps
from services.notify.domain.notices import assigned_task_notification, notice_task_notification
from services.notify.handlers.deliveries import enqueue
from shared.contracts import Event, NoticeTaskAssigned, TaskAssigned
from shared.unit_of_work import UnitOfWork


async def on_notice_task(
    event: NoticeTaskAssigned, uow: UnitOfWork, deps: NotifyDeps
) -> Sequence[Event]:
    """Plans the worker's message by the ``notice_task`` rule; each task once."""
    return (await enqueue(uow.session, deps, notice_task_notification(event), uow.now)).events


async def on_assigned_task(
    event: TaskAssigned, uow: UnitOfWork, deps: NotifyDeps
) -> Sequence[Event]:
    """Plans the worker's message by the ``assigned_task`` rule; each task and worker once."""
    return (await enqueue(uow.session, deps, assigned_task_notification(event), uow.now)).events
