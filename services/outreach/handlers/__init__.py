"""Outreach's writes, one shape: (message, session, deps, now) -> the events they cause.

Everything a command changes and the events it causes commit together (the outbox); the
activity consumer keeps the leave the router announces, each event once (the inbox).
"""

from services.outreach.handlers.notices import (
    PRODUCER,
    Started,
    known_leave,
    make_activity_handler,
    mark_sent,
    raise_overdue,
    start_campaign,
)
from services.outreach.handlers.registers import (
    covered,
    group_recorded,
    raise_group_gaps,
    record_group,
    record_training,
    training_recorded,
)

__all__ = [
    "PRODUCER",
    "Started",
    "covered",
    "group_recorded",
    "known_leave",
    "make_activity_handler",
    "mark_sent",
    "raise_group_gaps",
    "raise_overdue",
    "record_group",
    "record_training",
    "start_campaign",
    "training_recorded",
]

EVENTS = {"LeaveChanged": "keep the person's leave: B posts a notice when A is away"}
COMMANDS = {
    "POST /v1/campaigns": "render per community, a task per responsible worker (OutageAnnounced)",
    "POST /v1/notice-tasks/{id}/sent": "the task is done; a message counted (GridActivityRecorded)",
    "job overdue": "an open task past its deadline → NoticeOverdue (INFO_NOT_SENT candidate)",
    "POST /v1/wechat-groups": "a group or property-manager contact on the register "
    "(WeChatGroupRecorded)",
    "job group gaps": "a worker with neither → WeChatGroupMissing (WECHAT_GROUP_MISSING candidate)",
    "POST /v1/trainings": "a training with its attendees, Art. 6 (TrainingRecorded)",
}
