"""The router's roster HTTP models: leave, overrides, swaps, rotations, their previews and the
roster's read-back, coverage findings and the routing preview."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from services.router.domain.coverage import KIND_LABELS, Finding
from shared.clock import to_local
from shared.masking import StaffText

Note = Annotated[StaffText, Field(max_length=500)]
PersonId = Annotated[str, Field(min_length=1, max_length=40)]


class LeaveIn(BaseModel):
    from_: date = Field(alias="from")
    to: date
    reason: Note = ""
    stand_in: PersonId | None = Field(None, description="代理人（负责人请假时）")


class OverrideIn(BaseModel):
    from_: AwareDatetime = Field(alias="from")
    to: AwareDatetime
    available: bool
    reason: Note = ""


class SwapIn(BaseModel):
    date: date
    person: PersonId
    reason: Note = ""


class LeavePut(BaseModel):
    leave: list[LeaveIn] = Field(max_length=366)
    note: Note = ""
    # Leave is kept by the day: new leave covering today takes the person away now.
    immediate: bool = Field(
        False, description="立即生效: required when new leave (or a new stand-in) covers today"
    )


class OverridesPut(BaseModel):
    overrides: list[OverrideIn] = Field(max_length=366)
    note: Note = ""
    immediate: bool = Field(
        False, description="立即生效: new overrides may start before the next handover"
    )


class RotationPut(BaseModel):
    people: list[PersonId] = Field(min_length=1, max_length=200)
    note: Note = ""
    immediate: bool = Field(
        False,
        description="立即生效: apply to the duty day under way; otherwise from the next handover",
    )


class SwapsPut(BaseModel):
    swaps: list[SwapIn] = Field(max_length=366)
    note: Note = ""
    # Without 立即生效 a new swap of the duty day under way is refused, a removed one stays.
    immediate: bool = Field(False, description="立即生效: the duty day under way changes now")


class ChangePreviewIn(BaseModel):
    """A swap, override or leave list as its PUT would take it, asked about before 立即生效."""

    kind: Literal["swaps", "overrides", "leave"]
    subject: PersonId = Field(description="The unit (swaps) or person (overrides, leave)")
    swaps: list[SwapIn] = Field([], max_length=366)
    overrides: list[OverrideIn] = Field([], max_length=366)
    leave: list[LeaveIn] = Field([], max_length=366)


class UnitWakeOut(BaseModel):
    unit: str
    name: str
    on_duty_now: str | None
    on_duty_if_immediate: str | None
    woken_now: str = Field(description="Whom an escalation to the unit's duty wakes now")
    woken_if_immediate: str = Field(description="... once the change applies at once")


class ChangePreview(BaseModel):
    at: str
    next_handover: str = Field(description="When the change applies without 立即生效 (Beijing)")
    units: list[UnitWakeOut]


class RotationPreview(BaseModel):
    """What saving a rotation would do, asked before 立即生效 is confirmed."""

    unit: str
    on_duty_now: str | None
    on_duty_if_immediate: str | None = Field(description="Who the next escalation would wake")
    next_handover: str = Field(description="When the edit applies without 立即生效 (Beijing)")


class UnitDuty(BaseModel):
    unit: str
    name: str
    rotation: list[str] = Field(description="The newest list (it may start at the next handover)")
    rotation_from: str | None = Field(None, description="The duty date the newest list starts on")
    rotation_now: list[str] = Field(default_factory=list, description="The list in force now")
    on_duty_now: str | None
    swaps: list[dict[str, Any]]


class PersonNow(BaseModel):
    id: str
    name: str
    role: str
    department: str | None
    available: bool
    why_not: str | None
    on_duty_for: list[str] = []  # the units they are the person on duty for now


class RosterOut(BaseModel):
    at: str
    duty_date: str
    units: list[UnitDuty]
    people: list[PersonNow]
    leave: list[dict[str, Any]]
    overrides: list[dict[str, Any]]


class AuditOut(BaseModel):
    id: int
    kind: str
    subject: str
    who: str
    role: str
    at: str
    before: list[Any]
    after: list[Any]
    note: str


# --- coverage and the routing preview ---------------------------------------------------------


class FindingView(BaseModel):
    kind: str
    kind_label: str
    department: str
    subject: str
    start: datetime
    end: datetime
    detail: str

    @classmethod
    def of(cls, f: Finding) -> "FindingView":
        return cls(
            kind=f.kind,
            kind_label=KIND_LABELS[f.kind],
            department=f.department,
            subject=f.subject,
            start=to_local(f.start),
            end=to_local(f.end),
            detail=f.detail,
        )


class SkippedOut(BaseModel):
    person_id: str | None
    person_name: str
    position: str
    reason: str


class RoutingPreview(BaseModel):
    department: str
    department_name: str
    grid: str | None
    team: str | None
    assignee_id: str
    assignee_name: str
    chain_position: str
    skipped: list[SkippedOut]
    ack_minutes: int
