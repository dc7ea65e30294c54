"""What people ask the router to do over HTTP: one frozen command per action, each naming the
order (or roster item) and who asks. ``COMMANDS`` in ``handlers`` maps each to its handler."""

from dataclasses import dataclass

from services.router.schemas import (
    AppointmentIn,
    ComplaintVerdictIn,
    ExtensionDecisionIn,
    ExtensionIn,
    LeavePut,
    OverridesPut,
    ProgressIn,
    PromiseIn,
    ResolveIn,
    ReturnIn,
    RotationPut,
    SplitIn,
    SwapsPut,
)
from shared.auth import Principal

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
    body: AppointmentIn


@dataclass(frozen=True)
class PromiseAnswer:
    """约定答复时间"""

    order_id: str
    who: Principal
    body: PromiseIn


@dataclass(frozen=True)
class NoteProgress:
    """进展/到场"""

    order_id: str
    who: Principal
    body: ProgressIn


@dataclass(frozen=True)
class ReturnOrder:
    """退单"""

    order_id: str
    who: Principal
    body: ReturnIn


@dataclass(frozen=True)
class RequestExtension:
    """申请延期"""

    order_id: str
    who: Principal
    body: ExtensionIn


@dataclass(frozen=True)
class DecideExtension:
    """延期审批（部门负责人）"""

    order_id: str
    who: Principal
    body: ExtensionDecisionIn


@dataclass(frozen=True)
class Resolve:
    """办结"""

    order_id: str
    who: Principal
    body: ResolveIn


@dataclass(frozen=True)
class VerifyComplaint:
    """投诉核实（部门负责人）"""

    order_id: str
    who: Principal
    body: ComplaintVerdictIn


@dataclass(frozen=True)
class SplitOff:
    """拆单：a linked order taken out of its incident, dispatched on its own"""

    order_id: str
    who: Principal
    body: SplitIn


# --- a head's roster changes (each on the record) ------------------------------------------------


@dataclass(frozen=True)
class SetLeave:
    person_id: str
    who: Principal
    body: LeavePut


@dataclass(frozen=True)
class SetOverrides:
    person_id: str
    who: Principal
    body: OverridesPut


@dataclass(frozen=True)
class SetRotation:
    unit: str
    who: Principal
    body: RotationPut


@dataclass(frozen=True)
class SetSwaps:
    unit: str
    who: Principal
    body: SwapsPut
