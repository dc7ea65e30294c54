"""Scoring's writes, in two tables: the events it consumes (both topics) and the commands people
give it over HTTP. Every handler has the one shape ``(message, uow, deps) -> events``.

- ``events``: ``apply_event``, the one function the live consumers and the replay apply events
  through, so a replay writes the same ledger;
- ``decisions``: the commands (a head's entry or correction, a candidate confirmed or dismissed,
  the office closing a month), each an event on the log applied in the same unit of work;
- ``tasks``: assigned tasks (交办任务) given, done, and found late by the sweep job.
"""

from typing import Any

from services.scoring.config import ScoringDeps
from services.scoring.handlers.decisions import (
    PRODUCER,
    CloseMonth,
    ConfirmCandidate,
    CorrectEntry,
    DismissCandidate,
    EnterPoints,
    close_month,
    confirm_candidate,
    correct_entry,
    dismiss_candidate,
    enter_points,
)
from services.scoring.handlers.events import (
    ACTIVITY_CONSUMER,
    ORDERS_CONSUMER,
    apply_event,
    score_event,
)
from services.scoring.handlers.tasks import (
    AssignTask,
    FinishTask,
    RaiseLateTasks,
    assign_task,
    finish_task,
    raise_late_tasks,
)
from shared.contracts import (
    AppointmentMissed,
    CallbackRecorded,
    ComplaintVerified,
    GridActivityRecorded,
    MonthClosed,
    NoticeOverdue,
    NotificationFailed,
    OrderDispatched,
    OrderReceived,
    OrderResolved,
    ScoreEntryRecorded,
    SlaBreached,
    TaskLate,
    WeChatGroupMissing,
)
from shared.unit_of_work import Handler

__all__ = [
    "ACTIVITY_CONSUMER",
    "ACTIVITY_EVENTS",
    "COMMANDS",
    "EVENTS",
    "ORDERS_CONSUMER",
    "PRODUCER",
    "AssignTask",
    "CloseMonth",
    "ConfirmCandidate",
    "CorrectEntry",
    "DismissCandidate",
    "EnterPoints",
    "FinishTask",
    "RaiseLateTasks",
    "apply_event",
]


# Scoring reads only the events its counts, automatic entries and candidates are made of
# (domain.counts, domain.entries, domain.candidates); the consumer drops the rest from their
# type header before any transaction (issue 14). A replay reads the whole log either way.
EVENTS: dict[type[Any], Handler[Any, ScoringDeps]] = {
    OrderReceived: score_event,  # praise named in the order
    OrderDispatched: score_event,  # orders dispatched
    OrderResolved: score_event,  # orders handled
    ComplaintVerified: score_event,
    AppointmentMissed: score_event,
    SlaBreached: score_event,  # a task late after it was signed for
    NotificationFailed: score_event,  # a candidate: could not be reached
    CallbackRecorded: score_event,  # a candidate: 回访 不满意 (Art. 18(一)3)
}
ACTIVITY_EVENTS: dict[type[Any], Handler[Any, ScoringDeps]] = {
    GridActivityRecorded: score_event,  # consultations, messages, visits
    ScoreEntryRecorded: score_event,  # a head's entry or correction
    MonthClosed: score_event,  # the ranking awards
    NoticeOverdue: score_event,  # a candidate: notice not sent
    WeChatGroupMissing: score_event,  # a candidate: no group
    TaskLate: score_event,  # an assigned task late (Art. 18(一)7)
}

COMMANDS: dict[type[Any], Handler[Any, ScoringDeps]] = {
    EnterPoints: enter_points,
    CorrectEntry: correct_entry,
    CloseMonth: close_month,
    ConfirmCandidate: confirm_candidate,
    DismissCandidate: dismiss_candidate,
    AssignTask: assign_task,
    FinishTask: finish_task,
    RaiseLateTasks: raise_late_tasks,
}
