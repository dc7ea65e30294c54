"""The envelopes of ``gridline.activity``: one class per event type, and their union."""

from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.activity_payloads import (
    CallRingingPayload,
    GridActivityPayload,
    LeaveChangedPayload,
    MessageRecordedPayload,
    MonthClosedPayload,
    NoticeOverduePayload,
    NoticeTaskAssignedPayload,
    OutageAnnouncedPayload,
    ScoreEntryRecordedPayload,
    TaskAssignedPayload,
    TaskLatePayload,
    TeamDutyNamedPayload,
    TrainingRecordedPayload,
    WeChatGroupMissingPayload,
    WeChatGroupRecordedPayload,
)
from shared.contracts.order_events import Envelope, OrderEnvelope


class ActivityEnvelope(Envelope):
    worker_id: str


class GridActivityRecorded(ActivityEnvelope):
    type: Literal["GridActivityRecorded"] = "GridActivityRecorded"
    payload: GridActivityPayload


class ScoreEntryRecorded(ActivityEnvelope):
    type: Literal["ScoreEntryRecorded"] = "ScoreEntryRecorded"
    payload: ScoreEntryRecordedPayload


class MonthClosed(ActivityEnvelope):
    """``worker_id`` is ``"*"``: the closing concerns every worker."""

    type: Literal["MonthClosed"] = "MonthClosed"
    payload: MonthClosedPayload


class LeaveChanged(ActivityEnvelope):
    """``worker_id`` is the person whose leave changed."""

    type: Literal["LeaveChanged"] = "LeaveChanged"
    payload: LeaveChangedPayload


class NoticeOverdue(ActivityEnvelope):
    type: Literal["NoticeOverdue"] = "NoticeOverdue"
    payload: NoticeOverduePayload


class NoticeTaskAssigned(ActivityEnvelope):
    """``worker_id`` is the worker the notice task is given to (one event per task)."""

    type: Literal["NoticeTaskAssigned"] = "NoticeTaskAssigned"
    payload: NoticeTaskAssignedPayload


class WeChatGroupMissing(ActivityEnvelope):
    type: Literal["WeChatGroupMissing"] = "WeChatGroupMissing"
    payload: WeChatGroupMissingPayload


class WeChatGroupRecorded(ActivityEnvelope):
    type: Literal["WeChatGroupRecorded"] = "WeChatGroupRecorded"
    payload: WeChatGroupRecordedPayload


class TrainingRecorded(ActivityEnvelope):
    """``worker_id`` is ``"*"``: a training concerns all its attendees."""

    type: Literal["TrainingRecorded"] = "TrainingRecorded"
    payload: TrainingRecordedPayload


class OutageAnnounced(ActivityEnvelope):
    """``worker_id`` is ``"*"``: the outage concerns communities, not one worker."""

    type: Literal["OutageAnnounced"] = "OutageAnnounced"
    payload: OutageAnnouncedPayload


class TaskAssigned(ActivityEnvelope):
    """``worker_id`` is the worker the task is given to (one event per worker)."""

    type: Literal["TaskAssigned"] = "TaskAssigned"
    payload: TaskAssignedPayload


class TaskLate(ActivityEnvelope):
    type: Literal["TaskLate"] = "TaskLate"
    payload: TaskLatePayload


class CallRinging(ActivityEnvelope):
    """``worker_id`` is the first operator named (the partition key); all are in the payload."""

    type: Literal["CallRinging"] = "CallRinging"
    payload: CallRingingPayload


class TeamDutyNamed(ActivityEnvelope):
    """``worker_id`` is ``"*"``: the naming concerns every team."""

    type: Literal["TeamDutyNamed"] = "TeamDutyNamed"
    payload: TeamDutyNamedPayload


class MessageRecorded(ActivityEnvelope):
    """``worker_id`` is the person the message was for (one event per message sent)."""

    type: Literal["MessageRecorded"] = "MessageRecorded"
    payload: MessageRecordedPayload


ActivityEvent = Annotated[
    GridActivityRecorded
    | ScoreEntryRecorded
    | MonthClosed
    | LeaveChanged
    | NoticeOverdue
    | NoticeTaskAssigned
    | WeChatGroupMissing
    | WeChatGroupRecorded
    | TrainingRecorded
    | OutageAnnounced
    | TaskAssigned
    | TaskLate
    | CallRinging
    | TeamDutyNamed
    | MessageRecorded,
    Field(discriminator="type"),
]
ACTIVITY_EVENT_TYPES: frozenset[str] = frozenset(
    m.model_fields["type"].default
    for m in ActivityEnvelope.__subclasses__()
    if "type" in m.model_fields
)

Event = OrderEnvelope | ActivityEnvelope
