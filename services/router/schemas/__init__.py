"""The router's HTTP models: request bodies (checked, staff text masked as parsed) and answers
(the orders' here, the roster's in ``roster``)."""

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from shared.fields import Text1000
from shared.masking import StaffText

# --- orders ---------------------------------------------------------------------------------


class AppointmentIn(BaseModel):
    appointment_at: AwareDatetime
    requested_by: Literal["caller", "utility"] = "utility"
    explanation: StaffText = Field("", max_length=1000, description="Required when re-agreeing")


class PromiseIn(BaseModel):
    promised_at: AwareDatetime = Field(description="约定答复时间：告知来电人的答复时间")
    note: Text1000 = Field("", description="告知来电人的内容")


class ProgressIn(BaseModel):
    note: StaffText = Field(min_length=1, max_length=2000)
    arrived_on_site: bool = False
    caller_told: bool = Field(False, description="已向来电人说明（未能按约定时间服务的解释）")


class ReturnIn(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000, description="退单理由")
    target_department: str | None = Field(
        None, max_length=40, description="The department it belongs to"
    )


class ExtensionIn(BaseModel):
    extra_working_days: int = Field(ge=1, le=365)
    reason: StaffText = Field(min_length=1, max_length=1000)


class ExtensionDecisionIn(BaseModel):
    approve: bool
    reason: StaffText = Field("", max_length=1000)


class ResolveIn(BaseModel):
    verified: bool = True
    solved: bool = True
    contacted_at: AwareDatetime | None = None
    handling_notes: StaffText = Field(min_length=1, max_length=4000)
    public_reply: StaffText = Field(min_length=1, max_length=2000)


class ComplaintVerdictIn(BaseModel):
    verified: bool
    note: StaffText = Field("", max_length=1000)


class AssignmentOut(BaseModel):
    assignment_id: int
    department: str
    assignee_id: str
    chain_position: str
    dispatched_at: str
    ack_due: str
    acknowledged_at: str | None
    skipped: list[dict[str, Any]]


class OrderOut(BaseModel):
    order_id: str
    category: str
    priority: str
    state: str
    department: str
    grid: str | None
    assignee_id: str
    chain_position: str
    assignment_id: int
    returns: int
    major: bool
    deadline: str | None
    extension_days: int
    extension_request: dict[str, Any] | None
    return_request: dict[str, Any] | None = None  # a 12345 退单 the platform has yet to decide
    appointment_at: str | None
    complaint_verdict: str | None
    assignments: list[AssignmentOut]


class ActionResult(BaseModel):
    order_id: str
    events: list[str]
    order: OrderOut


# --- incidents ------------------------------------------------------------------------------


class SplitIn(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000, description="拆单理由")


class SplitOut(BaseModel):
    order_id: str
    events: list[str]


class RiderOut(BaseModel):
    order_id: str
    state: str
    split_rule: str | None


class IncidentOut(BaseModel):
    primary_order_id: str
    incident_id: str | None
    department: str
    assignee_id: str
    state: str
    callers: int
    orders: list[RiderOut]
