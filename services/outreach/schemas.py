"""Outreach's HTTP request and response models (Beijing times, names beside codes). What staff
type is ``shared.fields`` text: bounded, and its phone numbers masked as it is parsed."""

from datetime import date, datetime
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.outreach.store import GroupRow, TaskRow, TrainingRow
from shared.clock import to_local
from shared.fields import Key, Text60, Text100, Text200
from shared.masking import mask_phone

MAX_SCREENSHOT = 200_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignIn(_In):
    template: Key = Field(examples=["UM_MAINTENANCE_OUTAGE"])
    communities: list[Text100] = Field(min_length=1, examples=[["水城花园", "柳园小区"]])
    starts_at: AwareDatetime | None = Field(None, description="停水/活动开始时间")
    ends_at: AwareDatetime | None = None
    reason: Text200 = Field("", examples=["更换DN300主管道阀门"])
    deadline: AwareDatetime | None = Field(
        None, description="发送期限；默认：发起后按模板的 post_within_hours，且不晚于开始时间"
    )
    emergency: bool = Field(
        False,
        description="紧急停水：部门负责人确认，不受模板提前通知时限（notice_lead_hours）限制",
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("结束时间须晚于开始时间")
        if len(set(self.communities)) != len(self.communities):
            raise ValueError("小区重复")
        return self


class SentIn(_In):
    screenshot: str | None = Field(
        None, max_length=MAX_SCREENSHOT, description="截图（data:image/...;base64,…），可选"
    )


class GroupIn(_In):
    community: Text100 = Field(min_length=1)
    worker_id: Key
    kind: Literal["group", "manager_contact"] = Field(
        description="group：业主微信群；manager_contact：物业负责人微信（群满或不允许入群时）"
    )
    group_name: Text100 = ""
    members: int | None = Field(None, ge=0, le=500)
    worker_in_group: bool = False
    manager_name: Text60 = ""
    note: Text200 = ""

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind == "group" and not self.group_name.strip():
            raise ValueError("请填写群名称（group_name）")
        if self.kind == "manager_contact" and not self.manager_name.strip():
            raise ValueError("请填写物业负责人姓名（manager_name）")
        return self


class TrainingIn(_In):
    held_on: date
    topic: Text200 = Field(min_length=1)
    trainer: Text60 = Field(min_length=1)
    attendees: list[Key] = Field(min_length=1)


class TaskView(BaseModel):
    task_id: str
    campaign_id: str
    community: str
    grid: str
    worker_id: str
    worker_name: str
    post: str
    note: str
    text: str
    deadline: datetime
    state: str
    state_label: str
    sent_at: datetime | None
    has_screenshot: bool

    @classmethod
    def of(cls, row: TaskRow, names: dict[str, str], now: datetime) -> "TaskView":
        late = row.state == "open" and row.deadline < now
        label = {"open": "待发送", "sent": "已发送"}.get(row.state, row.state)
        return cls(
            task_id=row.task_id,
            campaign_id=row.campaign_id,
            community=row.community,
            grid=row.grid,
            worker_id=row.worker_id,
            worker_name=names.get(row.worker_id, row.worker_id),
            post=row.post,
            # Rows recorded before staff text was masked on the way in are masked on the way out.
            note=mask_phone(row.note),
            text=mask_phone(row.text),
            deadline=to_local(row.deadline),
            state=row.state,
            state_label="已逾期未发送" if late else label,
            sent_at=to_local(row.sent_at) if row.sent_at else None,
            has_screenshot=bool(row.screenshot),
        )


class CampaignView(BaseModel):
    campaign_id: str
    template: str
    title: str
    department: str
    starts_at: datetime | None
    ends_at: datetime | None
    deadline: datetime
    tasks: list[TaskView]


class GroupView(BaseModel):
    id: int
    community: str
    worker_id: str
    worker_name: str
    kind: str
    kind_label: str
    group_name: str
    members: int | None
    worker_in_group: bool
    manager_name: str
    note: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, row: GroupRow, names: dict[str, str]) -> "GroupView":
        return cls(
            id=row.id,
            community=row.community,
            worker_id=row.worker_id,
            worker_name=names.get(row.worker_id, row.worker_id),
            kind=row.kind,
            kind_label="业主微信群" if row.kind == "group" else "物业负责人微信",
            group_name=mask_phone(row.group_name),
            members=row.members,
            worker_in_group=row.worker_in_group,
            manager_name=mask_phone(row.manager_name),
            note=mask_phone(row.note),
            recorded_by=row.recorded_by,
            recorded_at=to_local(row.recorded_at),
        )


class GapView(BaseModel):
    worker_id: str
    worker_name: str
    grid: str
    community: str
    reason: str = "未登记业主微信群（已入群），也未登记物业负责人微信"


class GapCheck(BaseModel):
    department: str
    proposed: int = Field(description="Gaps newly offered to the head this month")


class TrainingView(BaseModel):
    id: int
    held_on: date
    topic: str
    trainer: str
    attendees: list[str]
    recorded_by: str

    @classmethod
    def of(cls, row: TrainingRow) -> "TrainingView":
        return cls(
            id=row.id,
            held_on=row.held_on,
            topic=mask_phone(row.topic),
            trainer=mask_phone(row.trainer),
            attendees=list(row.attendees),
            recorded_by=row.recorded_by,
        )


class WorkerTraining(BaseModel):
    worker_id: str
    worker_name: str
    count: int
    short_by: int
    months_left: int


class TrainingReport(BaseModel):
    department: str
    year: int
    required: int
    workers: list[WorkerTraining]
    short: list[WorkerTraining]
