"""Scoring's HTTP models: what the month's table, ledgers, periods and candidates look like, and
what a head or the office sends."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from services.scoring.config import MONTH_PATTERN
from shared.fields import Key, Text200, Text1000
from shared.masking import StaffText

# --- answers ------------------------------------------------------------------------------------


class PlaceView(BaseModel):
    count: int
    place: int | None
    points: int


class ScoreRow(BaseModel):
    worker_id: str
    name: str
    department: str
    base: int
    deductions: int
    bonuses: int
    ranks: dict[str, PlaceView]
    adjustments: int
    at_close: int | None
    final: int
    passed: bool
    flags: list[str]


class MonthView(BaseModel):
    month: str
    closed: bool
    closed_at: datetime | None
    base: int
    pass_line: int
    workers: list[ScoreRow]


class EntryView(BaseModel):
    entry_id: str
    worker_id: str
    month: str
    rule: str
    label: str
    article: str
    points: int
    source: str = Field(examples=["event", "manual", "closing", "provisional"])
    source_label: str = Field(
        "", examples=["系统自动", "负责人录入", "月度结算", "排名加分（暂定）"]
    )
    cause: str = Field(
        "",
        description="What put it there: event, order or task and time; who entered it; the "
        "closing; for rank points the count and place behind them",
        examples=["投诉查证属实：工单 GL-C1，2026-09-09 12:00"],
    )
    provisional: bool = Field(
        False, description="暂定: rank points from the live counts, until the month is closed"
    )
    rank_count: int | None = Field(None, description="Rank points: the count ranked")
    rank_place: int | None = Field(None, description="Rank points: the place it earned")
    event_id: str | None
    event_type: str | None
    order_id: str | None
    entered_by: str | None
    reason: str
    evidence: str | None
    flag: str | None
    corrects: str | None
    occurred_at: datetime
    adjustment: bool


class LedgerView(BaseModel):
    worker_id: str
    month: str | None
    entries: list[EntryView]
    total: int = Field(description="Every item's points, provisional rank points included")
    provisional: int = Field(0, description="Of which 暂定 (rank points of months not closed)")


class PeriodRowView(BaseModel):
    worker_id: str
    name: str
    department: str
    monthly: dict[str, int]
    total: int
    average: float
    place: int | None
    star: bool
    best: bool
    award_excluded: bool
    unqualified: bool


class PeriodView(BaseModel):
    period: str
    months_closed: list[str]
    rows: list[PeriodRowView]


class CandidateView(BaseModel):
    candidate_id: str
    rule: str
    rule_label: str
    points: int | None
    worker_id: str
    worker_name: str
    month: str
    reason: str
    source: str
    source_ref: str | None
    occurred_at: datetime
    state: str
    state_label: str
    decided_by: str | None
    note: str | None
    entry_id: str | None


class MonthCounts(BaseModel):
    month: str
    workers: dict[str, dict[str, int]]


class ClosingView(BaseModel):
    month: str
    event_id: str
    closed_at: str


class TaskWorkerView(BaseModel):
    worker_id: str
    name: str


class TaskView(BaseModel):
    """An assigned task (交办任务); times in Beijing time."""

    task_id: str
    title: str
    done_when: str
    deadline: datetime
    assigned_by: str
    assigned_at: datetime
    workers: list[TaskWorkerView]
    state: str = Field(examples=["open", "done", "late", "done_late"])
    state_label: str = Field(examples=["进行中", "按时完成", "逾期未完成", "逾期完成"])
    done_at: datetime | None
    done_by: str | None
    note: str | None


# --- requests -----------------------------------------------------------------------------------


class EntryRequest(BaseModel):
    rule: str = Field(min_length=1, max_length=40, examples=["PENNANT"])
    reason: StaffText = Field(min_length=1, max_length=1000, examples=["用户赠送锦旗"])
    evidence: StaffText | None = Field(None, max_length=500, examples=["照片 IMG_0312"])
    month: str | None = Field(None, pattern=MONTH_PATTERN, description="Default: this month")


class CorrectionRequest(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000)


class DismissRequest(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000, examples=["当时基站故障，非本人原因"])


class ConfirmRequest(BaseModel):
    note: StaffText = Field("", max_length=1000, examples=["电话无人接听，已核实"])


class TaskRequest(BaseModel):
    title: Text200 = Field(min_length=1, examples=["迎峰度夏管网巡查"])
    done_when: Text1000 = Field(
        min_length=1, examples=["负责网格内全部阀门井巡查完毕并上传照片"], description="完成标准"
    )
    deadline: AwareDatetime = Field(examples=["2026-12-10T18:00:00+08:00"], description="完成时限")
    worker_ids: list[Key] = Field(min_length=1, max_length=100, examples=[["W-0101"]])


class DoneRequest(BaseModel):
    note: Text1000 | None = Field(None, examples=["已全部巡查，照片见工作群"])
