"""Why scoring refuses a head's or the office's decision, in the domain's words.

Each keeps the code of its kind (``not_found``, ``forbidden``, ``invalid``, ``conflict``); the HTTP
layer alone turns the kind into a status. ``ManualEntryRefused`` (the rule book does not allow an
entry) lives beside the rule it enforces, in ``entries``.
"""

from shared.refusals import Conflict, Forbidden, Invalid, NotFound


class NoSuchWorker(NotFound):
    def __init__(self, worker_id: str) -> None:
        super().__init__(f"没有网格员 {worker_id}", "worker_id")


class OtherDepartment(Forbidden):
    """A head scores only their own department's workers."""

    def __init__(self, worker_id: str, department: str) -> None:
        super().__init__(f"{worker_id} 属于 {department}，只能为本部门网格员记分", "worker_id")


class ReasonMissing(Invalid):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, "reason")


class NoSuchEntry(NotFound):
    def __init__(self, worker_id: str, entry_id: str) -> None:
        super().__init__(f"{worker_id} 没有条目 {entry_id}", "entry_id")


class AlreadyCorrected(Conflict):
    """An entry is corrected once, and a correction is not corrected again."""

    def __init__(self) -> None:
        super().__init__("该条目已更正过或本身是更正", "entry_id")


class MonthNotOver(Conflict):
    def __init__(self, month: str) -> None:
        super().__init__(f"{month} 尚未结束，不能结算", "month")


class MonthAlreadyClosed(Conflict):
    def __init__(self, month: str) -> None:
        super().__init__(f"{month} 已结算", "month")


class NoSuchCandidate(NotFound):
    def __init__(self, candidate_id: str) -> None:
        super().__init__(f"没有待确认项 {candidate_id}", "candidate_id")


class CandidateDecided(Conflict):
    """A candidate is confirmed or dismissed once."""

    def __init__(self, state_label: str) -> None:
        super().__init__(f"该项{state_label}，不能再次处理", "candidate_id")


class NoSuchTask(NotFound):
    """Also what a worker hears about a task that is not theirs: it is not in their list."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"没有交办任务 {task_id}", "task_id")
