"""The console's forms, validated, and the bodies they become for the services' APIs."""

import re
import uuid
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from shared.clock import to_local

BEIJING_HINT = "北京时间，如 2026-12-01T09:30"


def _beijing_input(value: object) -> object:
    """``<input type=datetime-local>`` sends a naive time: it is Beijing time."""
    if isinstance(value, str) and value.strip() == "":
        return None
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        return parsed
    return value


class CallForm(BaseModel):
    """A 96568 call as the operator types it."""

    caller_name: str = Field("", max_length=64)
    phone: str = Field(pattern=r"^\+?[0-9-]{7,20}$")
    community: str = Field(min_length=1, max_length=100)
    building: str = Field("", max_length=20)
    unit: str = Field("", max_length=20)
    room: str = Field("", max_length=20)
    account_no: str = Field("", pattern=r"^(\d{4,20})?$")
    category: str = Field(min_length=1, max_length=40)
    description: str = Field("", max_length=2000)
    urgency: Literal["一般", "紧急", "特急"] = "一般"
    appointment: datetime | None = None

    _appointment = field_validator("appointment", mode="before")(_beijing_input)

    def to_call(self, category_label: str, operator_id: str, now: datetime) -> dict[str, object]:
        return {
            "ticket_id": f"C{to_local(now):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6].upper()}",
            "received_at": now.isoformat(),
            "operator_id": operator_id,
            "account_no": self.account_no or None,
            "customer": {"name": self.caller_name or None, "phone": self.phone},
            "address": {
                "community": self.community,
                "building": self.building or None,
                "unit": self.unit or None,
                "room": self.room or None,
            },
            "type": category_label,
            "description": self.description,
            "urgency": self.urgency,
            "appointment": self.appointment.isoformat() if self.appointment else None,
        }


class AppointmentForm(BaseModel):
    appointment_at: datetime
    explanation: str = Field("", max_length=1000)
    requested_by: Literal["caller", "utility"] = "utility"

    _when = field_validator("appointment_at", mode="before")(_beijing_input)


class ResolveForm(BaseModel):
    """The result fields the 12345 platform needs back."""

    handling_notes: str = Field(min_length=1, max_length=4000)
    public_reply: str = Field(min_length=1, max_length=2000)
    solved: bool = True
    verified: bool = True


class EntryForm(BaseModel):
    worker_id: str = Field(min_length=1, max_length=40)
    rule: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=1000)
    evidence: str = Field("", max_length=1000)
    month: str = Field(pattern=r"^\d{4}-\d{2}$")


class TaskForm(BaseModel):
    """交办任务 as a head gives it: the deadline is typed in Beijing time."""

    title: str = Field(min_length=1, max_length=200)
    done_when: str = Field(min_length=1, max_length=1000)
    deadline: datetime
    worker_ids: list[str] = Field(min_length=1, max_length=100)

    _deadline = field_validator("deadline", mode="before")(_beijing_input)


class OverrideForm(BaseModel):
    """临时调整在岗: e.g. called in on a Saturday morning, or away at a training."""

    person_id: str = Field(min_length=1, max_length=40)
    from_: datetime = Field(alias="from")
    to: datetime
    available: bool
    reason: str = Field("", max_length=200)
    immediate: bool = False
    confirmed: bool = False

    _times = field_validator("from_", "to", mode="before")(_beijing_input)

    def entry(self) -> dict[str, object]:
        return {
            "from": self.from_.isoformat(),
            "to": self.to.isoformat(),
            "available": self.available,
            "reason": self.reason,
        }


class LeaveForm(BaseModel):
    person_id: str = Field(min_length=1, max_length=40)
    from_: date = Field(alias="from")
    to: date
    reason: str = Field("", max_length=200)
    # Leave that covers today applies at once: only by 立即生效, confirmed on the page.
    immediate: bool = False
    confirmed: bool = False

    def entry(self) -> dict[str, object]:
        return {"from": self.from_.isoformat(), "to": self.to.isoformat(), "reason": self.reason}


class SwapForm(BaseModel):
    """换班: on one duty date, the unit's duty goes to someone else."""

    unit: str = Field(min_length=1, max_length=40)
    date: date
    person: str = Field(min_length=1, max_length=40)
    reason: str = Field("", max_length=200)
    # A swap of the duty day under way changes tonight's duty: only by 立即生效, confirmed.
    immediate: bool = False
    confirmed: bool = False

    def entry(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "person": self.person, "reason": self.reason}


class RemoveForm(BaseModel):
    """撤销: one swap, leave or override, named by its unit or person and when it starts."""

    kind: Literal["swaps", "leave", "overrides"]
    subject: str = Field(min_length=1, max_length=40)
    at: str = Field(min_length=1, max_length=40, description="Its date or start, as listed")


class RotationForm(BaseModel):
    """轮值顺序: the unit's duty order, names (or staff numbers) separated by spaces, commas or
    顿号, as a head writes it down."""

    unit: str = Field(min_length=1, max_length=40)
    people: str = Field(min_length=1, max_length=2000)
    reason: str = Field("", max_length=200)
    # 立即生效 asked for, and then confirmed on the page that names who is woken.
    immediate: bool = False
    confirmed: bool = False

    def names(self) -> list[str]:
        return [n for n in re.split(r"[\s,，、→>]+", self.people) if n]


FIELD_NAMES = {
    "phone": "来电号码",
    "community": "小区",
    "category": "类别",
    "account_no": "户号",
    "appointment": "预约时间",
    "appointment_at": "预约时间",
    "people": "轮值顺序",
    "handling_notes": "办理情况",
    "public_reply": "答复内容",
    "reason": "理由",
    "note": "进展说明",
    "extra_working_days": "延期工作日",
    "rule": "考核项",
    "worker_id": "网格员",
    "from": "开始",
    "to": "结束",
    "person_id": "人员",
    "person": "值班人",
    "unit": "班组",
    "date": "日期",
    "title": "任务",
    "done_when": "完成标准",
    "deadline": "完成时限",
    "worker_ids": "网格员",
}


def form_errors(exc: Exception) -> str:
    """A pydantic error as a person reads it: 字段：原因."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "表单"
        parts.append(f"{FIELD_NAMES.get(name, name)}：{_reason(err['type'])}")
    return "；".join(parts)


def _reason(kind: str) -> str:
    return {
        "missing": "必填",
        "string_too_short": "必填",
        "string_pattern_mismatch": "格式不对",
        "string_too_long": "太长",
        "datetime_from_date_parsing": "时间格式不对",
        "datetime_parsing": "时间格式不对",
        "literal_error": "不是可选的值",
        "int_parsing": "应为数字",
        "too_short": "请至少选择一项",
    }.get(kind, "填写有误")
