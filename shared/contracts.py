"""Event contracts: the only thing the four services share about one another.

Every message on ``gridline.orders`` is an envelope (``event_id``, ``type``, ``schema_version``,
``order_id``, ``occurred_at``, ``producer``, ``causation_id``) around a typed ``payload``. ``type``
discriminates the union; consumers handle the types they care for and skip the rest, so a new
event type never breaks an old consumer. Events are named in the past tense.

Caller identities (names, phone numbers) stay in intake's database and are not put on the log:
the other services do not need them, and a log is copied widely. Every free-text field (what
callers, sources and staff wrote) is ``MaskedText``: a phone number quoted in it is masked when
the event is built, so no producer can put one on the log, and an old event is masked again when
it is read.
"""

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.masking import MaskedText

SCHEMA_VERSION = 1

Source = Literal["12345", "96568", "grid_report"]
Priority = Literal["normal", "urgent", "critical"]
ChainPosition = Literal["A", "B", "TEAM_DUTY", "DEPT_DUTY", "HEAD", "TRIAGE"]
DeadlineKind = Literal["acknowledge", "arrive", "resolve", "reply", "appointment", "promise"]


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Contract):
    text: MaskedText = Field(
        "",
        description="The address as the source gave it",
        examples=["聊城市东昌府区柳园街道水城花园3号楼2单元"],
    )
    district: MaskedText | None = Field(None, examples=["东昌府区"])
    community: MaskedText | None = Field(
        None, description="小区 / 社区 name", examples=["水城花园"]
    )
    building: MaskedText | None = Field(None, examples=["3"])
    unit: MaskedText | None = Field(None, examples=["2"])
    room: MaskedText | None = None


# --- payloads ---------------------------------------------------------------------------------


class OrderReceivedPayload(Contract):
    source: Source
    source_ref: str = Field(description="The source's own number (12345 orderNo, 96568 ticket_id…)")
    category: str = Field(description="Gridline taxonomy code", examples=["LEAK"])
    category_label: MaskedText = Field(
        description="Chinese label of the category", examples=["漏水"]
    )
    source_category: MaskedText = Field("", description="The category in the source's own words")
    title: MaskedText = ""
    content: MaskedText = ""
    priority: Priority = "normal"
    special_care: bool = Field(False, description="Vulnerable household (Art. 4.6, 16)")
    address: Address = Field(default_factory=Address)
    account_no: str | None = None
    grid_hint: str | None = Field(None, description="Grid named by a grid worker's own report")
    grid_matched: bool | None = Field(
        None,
        description="False: intake found no grid for the address (flagged for triage); "
        "None: not checked",
    )
    reporter_id: str | None = Field(None, description="Grid worker who reported it, if any")
    named_worker_id: str | None = Field(None, description="Worker a complaint or praise names")
    received_at: AwareDatetime
    platform_deadline: AwareDatetime | None = Field(
        None, description="12345's own 办理时限; the earlier of it and policy governs"
    )
    appointment_at: AwareDatetime | None = None
    needs_reply: bool = True
    incident_id: str | None = Field(
        None, description="Set when intake linked the order to an incident as it arrived"
    )
    primary_order_id: str | None = Field(None, description="That incident's primary order")


class DuplicateLinkedPayload(Contract):
    incident_id: str
    primary_order_id: str
    reason: MaskedText


class SkippedLink(Contract):
    person_id: str | None
    position: ChainPosition
    reason: MaskedText = Field(examples=["W-0301 on leave until 12-03"])


class OrderDispatchedPayload(Contract):
    assignment_id: int = Field(ge=1, description="Counts dispatches of this order: 1, 2, …")
    department: str
    grid: str | None = None
    team: str | None = None
    assignee_id: str
    assignee_name: str = ""
    chain_position: ChainPosition
    ack_due: AwareDatetime
    skipped: tuple[SkippedLink, ...] = ()
    reason: Literal[
        "initial", "ack_overdue", "returned", "reopened", "manual", "notification_failed"
    ] = "initial"
    category: str = ""
    priority: Priority = "normal"


class OrderAcknowledgedPayload(Contract):
    assignment_id: int
    by: str
    department: str


class AppointmentSetPayload(Contract):
    appointment_at: AwareDatetime
    requested_by: Literal["caller", "utility"] = "utility"
    explanation: MaskedText = ""
    by: str
    department: str | None = None
    assignment_id: int | None = None
    previous_appointment_at: AwareDatetime | None = Field(
        None, description="Set when an agreed time is re-agreed (the explanation says why)"
    )


class ProgressNotedPayload(Contract):
    note: MaskedText
    arrived_on_site: bool = False
    caller_told: bool = Field(
        False,
        description="The note was said to the caller (e.g. why the agreed time cannot be kept): "
        "an explanation for a pending appointment (18(一)4)",
    )
    by: str
    department: str | None = None
    assignment_id: int | None = None


class OrderReturnedPayload(Contract):
    by: str
    department: str
    reason: MaskedText
    target_department: str | None = None
    assignment_id: int | None = None


class ExtensionGrantedPayload(Contract):
    new_deadline: AwareDatetime
    extra_working_days: int = Field(ge=1)
    approved_by: str
    reason: MaskedText
    department: str | None = None
    requested_by: str | None = None


class ExtensionRequestedPayload(Contract):
    by: str
    department: str
    assignment_id: int | None = None
    extra_working_days: int = Field(ge=1)
    reason: MaskedText
    current_deadline: AwareDatetime | None = None


class ExtensionRefusedPayload(Contract):
    refused_by: str
    department: str | None = None
    reason: MaskedText = ""


class OrderResolvedPayload(Contract):
    by: str
    department: str
    assignment_id: int | None = None
    verified: bool = True
    solved: bool = True
    contacted_at: AwareDatetime | None = None
    handling_notes: MaskedText = ""
    public_reply: MaskedText = ""
    incident_id: str | None = None
    cascaded_from: str | None = Field(
        None,
        description="Set on a linked order resolved with its incident: the primary order whose "
        "resolution this one repeats (scoring counts the primary only)",
    )


class ReplySentPayload(Contract):
    channel: str = Field(examples=["12345", "sms"])
    target: str
    attempts: int = 1


class OrderReopenedPayload(Contract):
    reason: MaskedText
    by: str


class AckOverduePayload(Contract):
    assignment_id: int
    due: AwareDatetime


class SlaWarningPayload(Contract):
    deadline: DeadlineKind
    due: AwareDatetime
    department: str | None = None
    assignee_id: str | None = None


class SlaBreachedPayload(Contract):
    deadline: DeadlineKind
    due: AwareDatetime
    department: str | None = None
    assignee_id: str | None = None
    acknowledged: bool = False


class ResolveDeadlineSetPayload(Contract):
    """The SLA service's 办结时限 for the order, each time it opens or moves it: the one figure
    the router's inbox shows and checks extensions against (the SLA alone computes it)."""

    due: AwareDatetime
    policy_due: AwareDatetime | None = Field(None, description="What the SLA policy alone allows")
    platform_due: AwareDatetime | None = Field(None, description="12345's own 办理时限")
    clock: Literal["24h", "working_days"] = "working_days"


class AppointmentMissedPayload(Contract):
    appointment_at: AwareDatetime
    assignee_id: str | None = None
    explained: bool = False


class MajorEventRaisedPayload(Contract):
    reason: MaskedText
    department: str | None = None
    notify: tuple[str, ...] = Field((), description="People told at once (heads, dispatch)")
    incident_id: str | None = None


class ComplaintVerifiedPayload(Contract):
    worker_id: str
    verified: bool
    by: str
    note: MaskedText = ""


class NotificationFailedPayload(Contract):
    """A message notify could not deliver after its retries (or at once, on a permanent error):
    the person is unreachable by the rules' channels for this event."""

    person_id: str
    person_name: str = ""
    channel: str = Field(examples=["wecom_app", "sms", "wecom_robot", "webhook"])
    reason: MaskedText = Field(examples=["企业微信：用户不存在（errcode 60111）"])
    attempts: int = Field(ge=1)
    notice: str = Field(
        examples=["dispatched", "major", "yellow_card"], description="What the message was about"
    )
    assignment_id: int | None = Field(
        None, description="The dispatch the message announced, when it announced one"
    )
    cause_event_id: UUID | None = Field(None, description="The event the message was about")


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


# --- incidents: one piece of work for many callers (issue 13) ------------------------------


class OrderLinkedPayload(Contract):
    """A linked order attached to its incident's assignment: not dispatched on its own, only
    its reply clock runs."""

    incident_id: str
    primary_order_id: str
    department: str | None = Field(None, description="The incident's department, when known")
    assignee_id: str | None = None


SplitRule = Literal["vulnerable", "complaint", "address", "incident_closed", "assignee"]


class OrderSplitPayload(Contract):
    """A linked order taken out of its incident and handled on its own."""

    incident_id: str
    primary_order_id: str
    rule: SplitRule = Field(description="Why: the split rule met, or the assignee's decision")
    reason: MaskedText = Field(examples=["独居老人，单独派单"])
    by: str = Field("router", description="The assignee who split it, or 'router' for a rule")


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


# --- envelopes --------------------------------------------------------------------------------


class Envelope(Contract):
    event_id: UUID = Field(default_factory=uuid4)
    schema_version: int = SCHEMA_VERSION
    occurred_at: AwareDatetime
    producer: str = Field(examples=["intake", "router", "sla", "scoring", "notify"])
    causation_id: UUID | None = Field(None, description="event_id of the event that caused this")


class OrderEnvelope(Envelope):
    order_id: str


class OrderReceived(OrderEnvelope):
    type: Literal["OrderReceived"] = "OrderReceived"
    payload: OrderReceivedPayload


class DuplicateLinked(OrderEnvelope):
    type: Literal["DuplicateLinked"] = "DuplicateLinked"
    payload: DuplicateLinkedPayload


class OrderDispatched(OrderEnvelope):
    type: Literal["OrderDispatched"] = "OrderDispatched"
    payload: OrderDispatchedPayload


class OrderAcknowledged(OrderEnvelope):
    type: Literal["OrderAcknowledged"] = "OrderAcknowledged"
    payload: OrderAcknowledgedPayload


class AppointmentSet(OrderEnvelope):
    type: Literal["AppointmentSet"] = "AppointmentSet"
    payload: AppointmentSetPayload


class ProgressNoted(OrderEnvelope):
    type: Literal["ProgressNoted"] = "ProgressNoted"
    payload: ProgressNotedPayload


class OrderReturned(OrderEnvelope):
    type: Literal["OrderReturned"] = "OrderReturned"
    payload: OrderReturnedPayload


class ExtensionGranted(OrderEnvelope):
    type: Literal["ExtensionGranted"] = "ExtensionGranted"
    payload: ExtensionGrantedPayload


class ExtensionRequested(OrderEnvelope):
    type: Literal["ExtensionRequested"] = "ExtensionRequested"
    payload: ExtensionRequestedPayload


class ExtensionRefused(OrderEnvelope):
    type: Literal["ExtensionRefused"] = "ExtensionRefused"
    payload: ExtensionRefusedPayload


class OrderResolved(OrderEnvelope):
    type: Literal["OrderResolved"] = "OrderResolved"
    payload: OrderResolvedPayload


class ReplySent(OrderEnvelope):
    type: Literal["ReplySent"] = "ReplySent"
    payload: ReplySentPayload


class OrderReopened(OrderEnvelope):
    type: Literal["OrderReopened"] = "OrderReopened"
    payload: OrderReopenedPayload


class AckOverdue(OrderEnvelope):
    type: Literal["AckOverdue"] = "AckOverdue"
    payload: AckOverduePayload


class SlaWarning(OrderEnvelope):
    type: Literal["SlaWarning"] = "SlaWarning"
    payload: SlaWarningPayload


class SlaBreached(OrderEnvelope):
    type: Literal["SlaBreached"] = "SlaBreached"
    payload: SlaBreachedPayload


class ResolveDeadlineSet(OrderEnvelope):
    type: Literal["ResolveDeadlineSet"] = "ResolveDeadlineSet"
    payload: ResolveDeadlineSetPayload


class AppointmentMissed(OrderEnvelope):
    type: Literal["AppointmentMissed"] = "AppointmentMissed"
    payload: AppointmentMissedPayload


class MajorEventRaised(OrderEnvelope):
    type: Literal["MajorEventRaised"] = "MajorEventRaised"
    payload: MajorEventRaisedPayload


class ComplaintVerified(OrderEnvelope):
    type: Literal["ComplaintVerified"] = "ComplaintVerified"
    payload: ComplaintVerifiedPayload


class OrderLinked(OrderEnvelope):
    type: Literal["OrderLinked"] = "OrderLinked"
    payload: OrderLinkedPayload


class OrderSplit(OrderEnvelope):
    type: Literal["OrderSplit"] = "OrderSplit"
    payload: OrderSplitPayload


class NotificationFailed(OrderEnvelope):
    type: Literal["NotificationFailed"] = "NotificationFailed"
    payload: NotificationFailedPayload


OrderEvent = Annotated[
    OrderReceived
    | DuplicateLinked
    | OrderDispatched
    | OrderAcknowledged
    | AppointmentSet
    | ProgressNoted
    | OrderReturned
    | ExtensionGranted
    | ExtensionRequested
    | ExtensionRefused
    | OrderResolved
    | ReplySent
    | OrderReopened
    | AckOverdue
    | SlaWarning
    | SlaBreached
    | ResolveDeadlineSet
    | AppointmentMissed
    | MajorEventRaised
    | ComplaintVerified
    | OrderLinked
    | OrderSplit
    | NotificationFailed,
    Field(discriminator="type"),
]
ORDER_EVENT_TYPES: frozenset[str] = frozenset(
    m.model_fields["type"].default
    for m in OrderEnvelope.__subclasses__()
    if "type" in m.model_fields
)


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


ActivityEvent = Annotated[
    GridActivityRecorded
    | ScoreEntryRecorded
    | MonthClosed
    | LeaveChanged
    | NoticeOverdue
    | WeChatGroupMissing
    | WeChatGroupRecorded
    | TrainingRecorded
    | OutageAnnounced,
    Field(discriminator="type"),
]
ACTIVITY_EVENT_TYPES: frozenset[str] = frozenset(
    m.model_fields["type"].default
    for m in ActivityEnvelope.__subclasses__()
    if "type" in m.model_fields
)

Event = OrderEnvelope | ActivityEnvelope

_order_adapter: TypeAdapter[OrderEvent] = TypeAdapter(OrderEvent)
_activity_adapter: TypeAdapter[ActivityEvent] = TypeAdapter(ActivityEvent)


class PoisonMessage(Exception):
    """A message that can never be processed as it is: it goes to the dead-letter topic."""


def _peek_type(raw: bytes) -> tuple[str | None, dict[str, Any]]:
    import json

    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PoisonMessage("not a JSON object")
    kind = data.get("type")
    return (kind if isinstance(kind, str) else None), data


def parse_order_event(raw: bytes) -> OrderEvent | None:
    """The typed event, ``None`` for a type this release does not know, or PoisonMessage."""
    kind, data = _peek_type(raw)
    if kind not in ORDER_EVENT_TYPES:
        if kind is None:
            raise PoisonMessage("envelope has no 'type'")
        return None
    try:
        return _order_adapter.validate_python(data)
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {kind}: {brief_errors(exc)}") from exc


def parse_activity_event(raw: bytes) -> ActivityEvent | None:
    kind, data = _peek_type(raw)
    if kind not in ACTIVITY_EVENT_TYPES:
        if kind is None:
            raise PoisonMessage("envelope has no 'type'")
        return None
    try:
        return _activity_adapter.validate_python(data)
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {kind}: {brief_errors(exc)}") from exc


def brief_errors(exc: ValidationError, limit: int = 3) -> str:
    """``field: reason`` for the first errors, for a dead letter's reason. The input values are
    left out: they may hold phone numbers."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "payload"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def event_key(event: Event) -> str:
    """The partition key: an order's events stay in order, a worker's activity too."""
    if isinstance(event, OrderEnvelope):
        return event.order_id
    return event.worker_id
