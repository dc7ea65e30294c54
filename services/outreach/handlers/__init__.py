"""Outreach's writes, one shape: ``(message, uow, deps) -> events``.

Everything a command changes and the events it causes commit together (the outbox); the
activity consumer keeps the leave the router announces, each event once (the inbox).
"""

from services.outreach.config import OutreachDeps
from services.outreach.handlers.notices import (
    PRODUCER,
    MarkSent,
    RaiseOverdue,
    StartCampaign,
    Started,
    keep_leave,
    known_leave,
    mark_sent,
    raise_overdue,
    start_campaign,
)
from services.outreach.handlers.registers import (
    CheckGroups,
    RecordGroup,
    RecordTraining,
    group_recorded,
    raise_group_gaps,
    record_group,
    record_training,
    training_recorded,
)
from shared.contracts import LeaveChanged
from shared.unit_of_work import HandlerTable

__all__ = [
    "COMMANDS",
    "EVENTS",
    "PRODUCER",
    "CheckGroups",
    "MarkSent",
    "RaiseOverdue",
    "RecordGroup",
    "RecordTraining",
    "StartCampaign",
    "Started",
    "group_recorded",
    "known_leave",
    "training_recorded",
]

EVENTS: HandlerTable[OutreachDeps] = {
    LeaveChanged: keep_leave,  # B posts a notice when A is away
}
COMMANDS: HandlerTable[OutreachDeps] = {
    # POST /v1/campaigns: render per community, a task per responsible worker (OutageAnnounced)
    StartCampaign: start_campaign,
    # POST /v1/notice-tasks/{id}/sent: the task is done; a message counted (GridActivityRecorded)
    MarkSent: mark_sent,
    # the overdue job: an open task past its deadline → NoticeOverdue (INFO_NOT_SENT candidate)
    RaiseOverdue: raise_overdue,
    # POST /v1/wechat-groups: a group or property-manager contact (WeChatGroupRecorded)
    RecordGroup: record_group,
    # the gaps job and POST /v1/wechat-groups/check: a worker with neither → WeChatGroupMissing
    CheckGroups: raise_group_gaps,
    # POST /v1/trainings: a training with its attendees, Art. 6 (TrainingRecorded)
    RecordTraining: record_training,
}
