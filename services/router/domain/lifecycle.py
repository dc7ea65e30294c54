"""An order's life in its department, pure: which moves are allowed in which state, and what
each move decides. Invalid moves are refused (``InvalidState``); other departments' orders are
refused (``NotYours``); a refused move changes nothing.

    dispatched ──acknowledge──► acknowledged ──progress──► in_progress ──resolve──► resolved
        │  ▲                        │   appointment, extension (request / decide) keep the state
        │  └──── return (退单) ◄────┘   and ack-overdue escalation re-dispatches while unsigned

A 12345 order's 退单 to the platform keeps the state until the platform decides: approved, the
order is ``returned`` (over); refused, nothing moved.
"""

from dataclasses import dataclass
from datetime import datetime

from services.router.domain.refusals import (
    AppointmentInPast,
    DeadlinePassed,
    ExplanationRequired,
    ExtensionPending,
    ExtensionTooLong,
    InvalidState,
    NotYours,
    ReturnPending,
    ReturnTooLate,
)
from shared.auth import Principal
from shared.clock import to_local
from shared.labels import ORDER_STATES, label
from shared.refusals import Invalid
from shared.workdays import WorkCalendar

DISPATCHED, ACKNOWLEDGED, IN_PROGRESS, RESOLVED = (
    "dispatched",
    "acknowledged",
    "in_progress",
    "resolved",
)
LINKED = "linked"  # riding on its incident's assignment (domain/incidents.py)
WITHDRAWN = "withdrawn"  # 撤单 by the 12345 platform: over, no move is allowed
RETURNED = "returned"  # 退单 to the 12345 platform, approved by it: over, no move is allowed
STATES = (DISPATCHED, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, LINKED, WITHDRAWN, RETURNED)
CLOSED = (RESOLVED, WITHDRAWN, RETURNED)
"""Nobody is to act on these any more: a chase or a platform decision changes nothing."""

ALLOWED: dict[str, frozenset[str]] = {
    "acknowledge": frozenset({DISPATCHED}),
    "appointment": frozenset({ACKNOWLEDGED, IN_PROGRESS}),
    "progress": frozenset({ACKNOWLEDGED, IN_PROGRESS}),
    "return": frozenset({DISPATCHED, ACKNOWLEDGED}),
    "extension": frozenset({ACKNOWLEDGED, IN_PROGRESS}),
    "extension_decision": frozenset({ACKNOWLEDGED, IN_PROGRESS}),
    "resolve": frozenset({ACKNOWLEDGED, IN_PROGRESS}),
}
AFTER: dict[str, str] = {
    "acknowledge": ACKNOWLEDGED,
    "progress": IN_PROGRESS,
    "resolve": RESOLVED,
}

LABELS = {
    "acknowledge": "签收",
    "appointment": "预约",
    "progress": "进展",
    "return": "退单",
    "extension": "延期申请",
    "extension_decision": "延期审批",
    "resolve": "办结",
}


def may_act(who: Principal, department: str, heads_only: bool = False) -> None:
    """A department acts on its own orders only; admins act everywhere."""
    if who.kind == "admin":
        return
    if heads_only and who.kind != "head":
        raise NotYours("须由部门负责人办理")
    if who.department != department:
        raise NotYours("只能办理本部门的工单", "order_id")


def check_move(action: str, state: str) -> str:
    """The state after ``action``; refused when the order's state does not allow it."""
    if state not in ALLOWED[action]:
        raise InvalidState(
            f"不能{LABELS[action]}：工单当前状态为{label(ORDER_STATES, state)}", "state"
        )
    return AFTER.get(action, state)


def resolve_deadline(
    received_at: datetime,
    platform_deadline: datetime | None,
    working_days: int,
    calendar: WorkCalendar,
) -> datetime:
    """办结时限: the policy's working days, or the platform's deadline if that is sooner."""
    due = calendar.add_working_days(received_at, working_days)
    if platform_deadline is not None and platform_deadline < due:
        return platform_deadline
    return due


@dataclass(frozen=True)
class ExtensionAsk:
    extra_working_days: int
    reason: str


def check_extension_request(
    ask: ExtensionAsk,
    deadline: datetime | None,
    granted_days: int,
    pending: bool,
    max_days: int,
    now: datetime,
) -> None:
    """延期: asked before the deadline, one request at a time, bounded in total."""
    if pending:
        raise ExtensionPending("已有待审批的延期申请", "extra_working_days")
    if deadline is not None and now >= deadline:
        raise DeadlinePassed("办结时限已过，不能再申请延期", "extra_working_days")
    left = max_days - granted_days
    if ask.extra_working_days > left:
        raise ExtensionTooLong(
            f"延期最多 {max_days} 个工作日，还可申请 {max(left, 0)} 个工作日",
            "extra_working_days",
        )
    if not ask.reason.strip():
        raise Invalid("延期须说明理由", "reason")


def extended_deadline(deadline: datetime, extra_days: int, calendar: WorkCalendar) -> datetime:
    return calendar.add_working_days(deadline, extra_days)


def check_reappointment(previous: datetime | None, explanation: str) -> None:
    """Art. 18.1.4: an agreed time may be changed only with an explanation."""
    if previous is not None and not explanation.strip():
        raise ExplanationRequired("改约须说明原因", "explanation")


def check_appointment_time(at: datetime, now: datetime) -> None:
    """预约上门 is a promise to come: one already past would count as missed the moment it is
    made (issue 21), so it is refused, saying the time in Beijing time as the person typed it."""
    if at <= now:
        raise AppointmentInPast(
            f"预约上门时间 {to_local(at):%Y-%m-%d %H:%M}（北京时间）已过，"
            f"请约定晚于现在（{to_local(now):%Y-%m-%d %H:%M}）的时间",
            "appointment_at",
        )


def check_return_in_time(
    received: datetime, now: datetime, working_days: int, calendar: WorkCalendar
) -> None:
    """退单 is for orders that are not ours, said soon: within the working days allowed."""
    if now > calendar.add_working_days(received, working_days):
        raise ReturnTooLate(
            f"退单须在接单后 {working_days} 个工作日内提出；请办理或申请延期",
            "reason",
        )


def to_platform(source: str, target: str | None) -> bool:
    """A 12345 order returned as not the utility's (no department of ours named) goes back to
    the platform, and only the platform can take it back: the 退单 waits for its decision. One
    returned to a department of ours moves inside the utility at once."""
    return source == "12345" and target is None


def check_no_return_pending(pending: bool) -> None:
    if pending:
        raise ReturnPending("已有待 12345 平台审批的退单申请", "reason")


def check_return(reason: str, target: str | None, current: str, departments: set[str]) -> None:
    if not reason.strip():
        raise Invalid("退单须说明原因", "reason")
    if target is not None and target not in departments:
        raise Invalid(f"没有部门 {target}", "target_department")
    if target == current:
        raise Invalid("不能退回本部门", "target_department")
