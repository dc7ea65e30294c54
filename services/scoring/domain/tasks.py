"""Assigned tasks (交办任务, Art. 18(一)7): 对集团公司和本供水公司交办的各项重点工作、临时性任务
按时限要求完成，未按时完成扣 2 分.

A task is given by a department head to their own department's grid workers (an admin, for the
company, to anyone), with a deadline and what counts as done. It is done once, for everyone it
was given to: the measures judge whether the task was finished in time, not who pressed the
button. A task is late when it is done after its deadline, or when the deadline passes with it
still open; either way each of its workers gets ONE TASK_LATE entry, whose id comes from the task
(not from the event), so the two ways can never add a second one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from services.scoring.domain.refusals import OtherDepartment
from shared.clock import to_local
from shared.refusals import Invalid

State = Literal["open", "done", "late", "done_late"]
STATE_LABELS: dict[str, str] = {
    "open": "进行中",
    "done": "按时完成",
    "late": "逾期未完成",
    "done_late": "逾期完成",
}


@dataclass(frozen=True)
class Assignment:
    """Who gives the task (role kind and department) and to whom."""

    kind: str
    department: str | None
    worker_ids: Sequence[str]
    deadline: datetime


def check_assignment(
    assignment: Assignment, departments: Mapping[str, str], now: datetime
) -> list[str]:
    """The workers the task goes to (each once), or why it cannot be given.
    ``departments``: every grid worker's department."""
    workers = list(dict.fromkeys(assignment.worker_ids))
    if not workers:
        raise Invalid("请至少指定一名网格员", "worker_ids")
    for worker_id in workers:
        department = departments.get(worker_id)
        if department is None:  # a name in the body, not the resource addressed: invalid input
            raise Invalid(f"没有网格员 {worker_id}", "worker_ids")
        if assignment.kind != "admin" and department != assignment.department:
            raise OtherDepartment(worker_id, department)
    if assignment.deadline <= now:
        due = f"{to_local(assignment.deadline):%Y-%m-%d %H:%M}"
        raise Invalid(f"完成时限 {due}（北京时间）已过，须晚于现在", "deadline")
    return workers


def is_late(deadline: datetime, done_at: datetime) -> bool:
    """Done at the deadline's very minute is in time (按时限要求完成)."""
    return done_at > deadline


def state_of(deadline: datetime, done_at: datetime | None, now: datetime) -> State:
    if done_at is None:
        return "late" if now > deadline else "open"
    return "done_late" if is_late(deadline, done_at) else "done"


def may_finish(kind: str, subject: str, department: str | None, workers: Mapping[str, str]) -> bool:
    """A worker the task was given to, a head of one of their departments, or an admin.
    ``workers``: the task's workers and their departments."""
    if kind == "admin":
        return True
    if kind == "head":
        return department in workers.values()
    return kind == "department" and subject in workers


def late_reason(title: str, deadline: datetime, done_at: datetime | None) -> str:
    due = f"{to_local(deadline):%Y-%m-%d %H:%M}"
    how = f"{to_local(done_at):%Y-%m-%d %H:%M} 完成" if done_at else "逾期未完成"
    return f"交办任务「{title}」未按时限完成（时限 {due}，{how}）"
