"""The payloads on ``gridline.activity``: a grid worker's activity, a head's score entry, a closed
month, leave, and the grid work beyond orders (notices, WeChat groups, training, outages)."""

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.contracts.base import Contract, DutyDay
from shared.masking import MaskedText


class GridActivityPayload(Contract):
    activity_id: str
    worker_id: str
    kind: Literal["consultation", "message", "visit"]
    channel: MaskedText = ""
    customer_signed: bool = False
    at: AwareDatetime
    note: MaskedText = ""


class ScoreEntryRecordedPayload(Contract):
    """A head's manual Art. 18 entry (or a correction) for one worker's month, by scoring."""

    entry_id: str
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])
    rule: str = Field(examples=["PENNANT"])
    points: int
    reason: MaskedText
    evidence: MaskedText | None = Field(None, description="Reference to a photo, letter, record…")
    by: str = Field(description="The head (or admin) who entered it")
    flag: str | None = Field(None, examples=["performance_pay_forfeited"])
    corrects: str | None = Field(None, description="entry_id this entry reverses")


class MonthClosedPayload(Contract):
    """A month's assessment frozen by scoring, with the counts its rankings were made from."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])
    by: str
    counts: dict[str, dict[str, int]] = Field(default_factory=dict)
    departments: dict[str, str] = Field(
        default_factory=dict, description="Each assessed worker's department at closing"
    )


# --- grid work beyond orders (outreach; leave from the router) ---------------------------------


class LeavePeriod(Contract):
    from_: date = Field(alias="from", description="First Beijing date away")
    to: date = Field(description="Last Beijing date away (both ends included)")
    reason: MaskedText = ""
    stand_in: str | None = Field(None, description="Who acts for a head on leave")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LeaveChangedPayload(Contract):
    """A person's leave as it now stands (it replaces what was known before), by the router."""

    person_id: str
    leave: tuple[LeavePeriod, ...] = ()
    by: str = Field(description="The head (or admin) who changed it")


class NoticeTaskAssignedPayload(Contract):
    """A notice task given to a worker (the envelope's ``worker_id``), by outreach: notify tells
    the worker what to post and by when. No phone and no notice text travel here."""

    task_id: str
    campaign_id: str
    department: str
    community: str
    title: MaskedText = Field(examples=["维修停水通知"])
    deadline: AwareDatetime


class NoticeOverduePayload(Contract):
    """A notice task not marked sent by its deadline (Art. 18(一)6), by outreach: the head may
    make it an INFO_NOT_SENT deduction; nothing is deducted on its own."""

    task_id: str
    campaign_id: str
    department: str
    community: str
    title: MaskedText = Field(examples=["维修停水通知"])
    deadline: AwareDatetime


class WeChatGroupMissingPayload(Contract):
    """A worker responsible for a community with neither its owners' WeChat group nor a direct
    contact with the property manager on the register (Art. 9, 18(一)6), by outreach."""

    community: str
    grid: str
    department: str
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-12"])


class WeChatGroupRecordedPayload(Contract):
    """A community's owners' group, or the property manager's contact, put on the register."""

    community: str
    department: str
    kind: Literal["group", "manager_contact"]
    group_name: MaskedText = ""
    members: int | None = None
    worker_in_group: bool = False
    by: str


class TrainingRecordedPayload(Contract):
    """A training a head recorded (Art. 6), with its attendees."""

    training_id: int
    department: str
    held_on: date
    topic: MaskedText
    trainer: MaskedText
    attendees: tuple[str, ...]
    by: str


class OutageAnnouncedPayload(Contract):
    """A planned outage announced to communities (Art. 9-10), by outreach: intake groups calls
    about it during the window into one incident."""

    campaign_id: str
    department: str
    communities: tuple[str, ...] = Field(min_length=1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: MaskedText = ""
    title: MaskedText = ""


class TaskAssignedPayload(Contract):
    """A key or temporary task (交办任务, Art. 18(一)7) given to one worker, by scoring: what
    notify or the console can tell the worker about."""

    task_id: str
    title: MaskedText
    done_when: MaskedText = Field(description="What counts as done")
    deadline: AwareDatetime
    department: str
    by: str


class TaskLatePayload(Contract):
    """An assigned task not done by its deadline (Art. 18(一)7), by scoring: the worker's −2.
    ``done_at`` is None when the deadline passed with the task still open."""

    task_id: str
    title: MaskedText
    deadline: AwareDatetime
    done_at: AwareDatetime | None = None


class CallRingingPayload(Contract):
    """The hotline's phone rings at (``newCall``) or is answered by (``answer``) the operators the
    PBX names, by intake: their open 受理 page shows the caller. Carries no number: the console
    reads the caller from intake by ``call_id`` with the operator's own rights."""

    call_id: str = Field(max_length=250)
    event: Literal["newCall", "answer"]
    direction: Literal["in", "out"]
    operators: tuple[str, ...] = Field(
        description="The PBX's user[] and answeringNumber: console usernames of the operators"
    )
    queue: MaskedText | None = None


class TeamDutyNamedPayload(Contract):
    """Who the router has on each team's duty for the duty day under way and the week after it,
    named again whenever a head changes the roster (issue 19): notify wakes these people at once,
    not only after the team's next dispatch names them."""

    teams: dict[str, tuple[DutyDay, ...]]


class MessageRecordedPayload(Contract):
    """A message notify recorded as delivered to one person (issue 19 item 6): their open 消息
    page reads its list again. Names the message by its kind and order only: no text, no phone
    number, no address (the console reads the message itself with the viewer's rights)."""

    delivery_key: str = Field(description="notify's key of the delivery: one event per message")
    order_id: str | None = Field(None, description="None for an alert about no order")
    notice: str = Field(description="The kind of message", examples=["dispatched"])
    channel: str = Field(examples=["wecom_app", "sms"])
