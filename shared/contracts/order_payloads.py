"""The payloads of an order's life on ``gridline.orders``: received, dispatched, worked, resolved,
answered, and the SLA's and notify's events about it; incidents link and split orders."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from shared.contracts.base import (
    Address,
    ChainPosition,
    Contract,
    DeadlineKind,
    DutyDay,
    Priority,
    Source,
)
from shared.masking import MaskedText


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
    round: int = Field(1, ge=1, description="第 N 次办理: 2 and up after a reopen (重办)")
    team_duty: tuple[DutyDay, ...] = Field(
        (),
        description="The order's team's person on duty for the duty day under way and the "
        "days after it, as the router decides duty: notify wakes these people, never its own "
        "reading of the organisation file",
    )


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


class AnswerPromisedPayload(Contract):
    """约定答复时间 (Art. 14, 首问负责): the holder could not answer at once and told the caller
    when they would; the promise is a deadline of its own."""

    promised_at: AwareDatetime = Field(description="The time promised to the caller")
    note: MaskedText = Field("", description="What the caller was told")
    by: str
    department: str
    assignee_id: str | None = Field(None, description="Who holds the order and made the promise")
    assignment_id: int | None = None


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
    to_platform: bool = Field(
        False,
        description="退回 12345 平台: the platform approved our 退单 of its order (not ours); the "
        "order leaves the utility — every clock stops, no reply is owed, nothing is counted",
    )
    approved_by: str | None = Field(None, description="Who approved it: 12345 for the platform")


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
    round: int = Field(
        1, ge=1, description="第 N 次办理 this resolution ends (scoring counts round 1 only)"
    )


class ReplySentPayload(Contract):
    channel: str = Field(examples=["12345", "sms"])
    target: str
    attempts: int = 1


class OrderReopenedPayload(Contract):
    reason: MaskedText
    by: str
    round: int = Field(2, ge=2, description="The round the reopen starts: 第 2 次办理 and up")
    deadline: AwareDatetime | None = Field(
        None, description="The platform's new 办理时限 (重办); none: the policy's limit"
    )
    message_id: str | None = Field(None, description="The platform follow-up that reopened it")


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
