"""What people ask the router to do over HTTP: one frozen command per action, each naming the
order (or roster item) and who asks. ``COMMANDS`` in ``handlers`` maps each to its handler."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from shared.auth import Principal

# --- what each action carries: plain values the api reads from its checked request body --------


@dataclass(frozen=True)
class Appointment:
    appointment_at: datetime
    requested_by: Literal["caller", "utility"] = "utility"
    explanation: str = ""
    """Required when re-agreeing."""


@dataclass(frozen=True)
class Promise:
    promised_at: datetime
    """约定答复时间：告知来电人的答复时间"""
    note: str = ""


@dataclass(frozen=True)
class Progress:
    note: str
    arrived_on_site: bool = False
    caller_told: bool = False
    """已向来电人说明（未能按约定时间服务的解释）"""


@dataclass(frozen=True)
class Return:
    reason: str
    target_department: str | None = None


@dataclass(frozen=True)
class ExtensionAsk:
    extra_working_days: int
    reason: str


@dataclass(frozen=True)
class ExtensionVerdict:
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class Resolution:
    handling_notes: str
    public_reply: str
    verified: bool = True
    solved: bool = True
    contacted_at: datetime | None = None


@dataclass(frozen=True)
class ComplaintVerdict:
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class SplitAsk:
    reason: str
    """拆单理由"""


@dataclass(frozen=True)
class RosterChange:
    """A head's change to leave, overrides or swaps: ``items`` as the api checked them (by
    their file names, ``from`` included), validated again as the roster's own models."""

    items: Sequence[Mapping[str, Any]]
    note: str = ""
    immediate: bool = False
    """立即生效: the duty day under way changes now, not from the next handover."""


@dataclass(frozen=True)
class RotationChange:
    people: Sequence[str]
    note: str = ""
    immediate: bool = False


# --- a department's actions on an order ---------------------------------------------------------


@dataclass(frozen=True)
class Acknowledge:
    """签收"""

    order_id: str
    who: Principal


@dataclass(frozen=True)
class SetAppointment:
    """预约/改约"""

    order_id: str
    who: Principal
    body: Appointment


@dataclass(frozen=True)
class PromiseAnswer:
    """约定答复时间"""

    order_id: str
    who: Principal
    body: Promise


@dataclass(frozen=True)
class NoteProgress:
    """进展/到场"""

    order_id: str
    who: Principal
    body: Progress


@dataclass(frozen=True)
class ReturnOrder:
    """退单"""

    order_id: str
    who: Principal
    body: Return


@dataclass(frozen=True)
class RequestExtension:
    """申请延期"""

    order_id: str
    who: Principal
    body: ExtensionAsk


@dataclass(frozen=True)
class DecideExtension:
    """延期审批（部门负责人）"""

    order_id: str
    who: Principal
    body: ExtensionVerdict


@dataclass(frozen=True)
class Resolve:
    """办结"""

    order_id: str
    who: Principal
    body: Resolution


@dataclass(frozen=True)
class VerifyComplaint:
    """投诉核实（部门负责人）"""

    order_id: str
    who: Principal
    body: ComplaintVerdict


@dataclass(frozen=True)
class SplitOff:
    """拆单：a linked order taken out of its incident, dispatched on its own"""

    order_id: str
    who: Principal
    body: SplitAsk


# --- a head's roster changes (each on the record) ------------------------------------------------


@dataclass(frozen=True)
class SetLeave:
    person_id: str
    who: Principal
    body: RosterChange


@dataclass(frozen=True)
class SetOverrides:
    person_id: str
    who: Principal
    body: RosterChange


@dataclass(frozen=True)
class SetRotation:
    unit: str
    who: Principal
    body: RotationChange


@dataclass(frozen=True)
class SetSwaps:
    unit: str
    who: Principal
    body: RosterChange
