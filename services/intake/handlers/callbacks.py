"""A callback an operator logs on a 回拨 task: reached closes it; a try that did not reach the
caller is kept, and the last allowed one (``config/calls.yaml``) closes it as 联系不上."""

from collections.abc import Sequence
from dataclasses import dataclass

from services.intake.config import IntakeDeps
from services.intake.domain.calls import after_try
from services.intake.store import CallRepository
from shared.clock import to_local
from shared.contracts import Event
from shared.refusals import Conflict, NotFound
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LogCallbackAttempt:
    callback_id: int
    reached: bool
    note: str
    by: str


@dataclass(frozen=True)
class AttemptOutcome:
    callback_id: int
    state: str
    in_time: bool


async def log_attempt(
    command: LogCallbackAttempt, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """``uow.answer``: ``AttemptOutcome``."""
    task = await CallRepository(uow.session).callback(command.callback_id)
    if task is None:
        raise NotFound(f"没有编号为 {command.callback_id} 的回拨任务", "callback_id")
    if task.state != "open":
        raise Conflict(f"回拨任务 {command.callback_id} 已结束，不能再登记回拨", "callback_id")
    tried = {
        "at": to_local(uow.now).isoformat(),
        "by": command.by,
        "reached": command.reached,
        "note": command.note,
    }
    task.tries = [*task.tries, tried]  # a new list: the JSON column sees the change
    not_reached = sum(1 for t in task.tries if not t["reached"])
    task.state = after_try(not_reached, command.reached, deps.calls.callbacks.max_tries)
    if task.state != "open":
        task.closed_at, task.closed_by = uow.now, command.by
    uow.answer = AttemptOutcome(task.callback_id, task.state, uow.now <= task.due_at)
    return []
