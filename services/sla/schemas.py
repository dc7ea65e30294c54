"""What the SLA service's HTTP answers: the overview, the at-risk list and an order's
deadlines, each line made from the rows the queries read."""

from datetime import datetime

from pydantic import BaseModel, Field

from services.sla.domain.numbers import UNASSIGNED
from services.sla.store import DeadlineRow, OrderRow, ShareRow
from shared.clock import to_local

KIND_LABELS = {
    "acknowledge": "签收",
    "arrive": "到场",
    "resolve": "办结",
    "reply": "答复",
    "appointment": "预约",
    "promise": "承诺答复",
    "supervise": "督办答复",
}


def _fmt(when: datetime) -> str:
    return to_local(when).strftime("%Y-%m-%d %H:%M")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


class Percentiles(BaseModel):
    count: int
    p50: float | None = Field(description="Seconds")
    p90: float | None
    p99: float | None


class Totals(BaseModel):
    open_orders: int
    unacknowledged: int
    at_risk: int
    breaches_today: int
    breaches_month: int


class DepartmentLine(BaseModel):
    department: str
    name: str
    open_orders: int
    unacknowledged: int
    breaches_today: int
    breaches_month: int
    resolved_month: int
    on_time_month: int
    on_time_rate: float | None = Field(description="按时办结率 this month, 0..1")


class CategoryLine(BaseModel):
    department: str
    category: str
    category_label: str
    resolved: int
    on_time: int
    on_time_rate: float


class RateLine(BaseModel):
    """A department's (or one of its grids') month: the counts and the rates made of them
    (definitions: docs/sla.md, "Rates"); a rate is null when nothing was counted for it."""

    department: str
    name: str
    grid: str | None = None
    resolved: int = Field(description="办结 (each round's resolution)")
    on_time: int
    on_time_rate: float | None = Field(description="按时办结率, 0..1")
    callbacks: int = Field(description="回访 that reached the caller")
    satisfied: int = Field(description="满意")
    basically_satisfied: int = Field(description="基本满意")
    dissatisfied: int = Field(description="不满意")
    satisfaction_rate: float | None = Field(description="满意率 = (满意 + 基本满意) ÷ 回访")
    solved: int = Field(description="回访 saying the problem was solved")
    solved_rate: float | None = Field(description="解决率 = solved ÷ 回访")
    reopened: int = Field(description="重办 (reopens)")
    redo_rate: float | None = Field(description="重办率 = reopens ÷ 办结")
    urges: int = Field(description="催办")
    supervisions: int = Field(description="督办")


class Rates(BaseModel):
    month: str = Field(examples=["2026-11"])
    as_of: datetime
    total: RateLine
    departments: list[RateLine]
    grids: list[RateLine]


class Breach(BaseModel):
    order_id: str
    kind: str
    kind_label: str
    department: str
    assignee_id: str | None
    due: datetime
    due_local: str
    fired_at: datetime | None

    @classmethod
    def of(cls, r: DeadlineRow) -> "Breach":
        return cls(
            order_id=r.order_id,
            kind=r.kind,
            kind_label=kind_label(r.kind),
            department=r.department or UNASSIGNED,
            assignee_id=r.assignee_id,
            due=r.due_at,
            due_local=_fmt(r.due_at),
            fired_at=r.fired_at,
        )


class Overview(BaseModel):
    as_of: datetime
    open_deadlines: dict[str, int] = Field(description="Open deadlines by kind")
    fired_deadlines: dict[str, int] = Field(description="Fired deadlines by kind")
    totals: Totals
    open_orders: dict[str, dict[str, int]] = Field(description="state → department → count")
    departments: list[DepartmentLine]
    on_time_by_category: list[CategoryLine]
    time_to_acknowledge: Percentiles
    time_to_resolve: Percentiles
    recent_breaches: list[Breach]


class AtRisk(BaseModel):
    order_id: str
    kind: str
    kind_label: str
    department: str
    assignee_id: str | None
    category: str | None
    category_label: str | None
    due: datetime
    due_local: str
    seconds_left: int
    warned: bool
    policy_due: datetime | None = Field(description="What the SLA policy alone allows")
    platform_due: datetime | None = Field(description="The 12345 platform's own 办理时限")
    paused_seconds: int = Field(description="Time waited for the caller (fair clock)")

    @classmethod
    def of(cls, r: DeadlineRow, order: OrderRow | None, now: datetime) -> "AtRisk":
        return cls(
            order_id=r.order_id,
            kind=r.kind,
            kind_label=kind_label(r.kind),
            department=r.department or UNASSIGNED,
            assignee_id=r.assignee_id,
            category=order.category if order else None,
            category_label=order.category_label if order else None,
            due=r.due_at,
            due_local=_fmt(r.due_at),
            seconds_left=int((r.due_at - now).total_seconds()),
            warned=r.warned,
            policy_due=r.policy_due,
            platform_due=r.platform_due,
            paused_seconds=r.paused_seconds,
        )


class AtRiskList(BaseModel):
    as_of: datetime
    items: list[AtRisk]


class DeadlineView(BaseModel):
    kind: str
    kind_label: str
    purpose: str = Field(description="card: yellow/red card; chain: AckOverdue; appointment")
    state: str
    department: str | None
    assignee_id: str | None
    clock: str
    started_at: datetime | None
    due: datetime
    policy_due: datetime | None
    platform_due: datetime | None
    warn_at: datetime | None
    warned: bool
    paused_seconds: int
    fired_at: datetime | None

    @classmethod
    def of(cls, r: DeadlineRow) -> "DeadlineView":
        return cls(
            kind=r.kind,
            kind_label=kind_label(r.kind),
            purpose=r.purpose,
            state=r.state,
            department=r.department,
            assignee_id=r.assignee_id,
            clock=r.clock,
            started_at=r.started_at,
            due=r.due_at,
            policy_due=r.policy_due,
            platform_due=r.platform_due,
            warn_at=r.warn_at,
            warned=r.warned,
            paused_seconds=r.paused_seconds,
            fired_at=r.fired_at,
        )


class ShareView(BaseModel):
    department: str
    started_at: datetime
    ended_at: datetime | None
    held_seconds: int = Field(description="This department's own share of the order's time")
    outcome: str | None

    @classmethod
    def of(cls, s: ShareRow, now: datetime) -> "ShareView":
        return cls(
            department=s.department,
            started_at=s.started_at,
            ended_at=s.ended_at,
            held_seconds=int(((s.ended_at or now) - s.started_at).total_seconds()),
            outcome=s.outcome,
        )


class OrderClocks(BaseModel):
    order_id: str
    state: str | None
    deadlines: list[DeadlineView]
    departments: list[ShareView]


class BoardClock(BaseModel):
    """One clock of an order as the duty room reads it: the latest deadline of its kind,
    passed or not."""

    kind: str
    kind_label: str
    due: datetime
    state: str = Field(description="open: running; fired: passed (red card given)")
    seconds_left: int = Field(description="Negative once passed")

    @classmethod
    def of(cls, r: DeadlineRow, now: datetime) -> "BoardClock":
        return cls(
            kind=r.kind,
            kind_label=kind_label(r.kind),
            due=r.due_at,
            state=r.state,
            seconds_left=int((r.due_at - now).total_seconds()),
        )


class BoardOrder(BaseModel):
    """An unresolved order with every clock it still runs or has let pass (one per kind)."""

    order_id: str
    source: str
    category: str
    category_label: str
    priority: str
    state: str
    department: str | None
    assignee_id: str | None
    acknowledged: bool
    received_at: datetime
    platform_deadline: datetime | None = Field(description="The 12345 platform's own 时限")
    clocks: list[BoardClock]
    late_seconds: int = Field(description="How long the longest-passed clock is past; 0: none")
    next_due: datetime | None = Field(description="The soonest clock still running")


class DutyBoard(BaseModel):
    as_of: datetime
    late: list[BoardOrder] = Field(
        description="A clock (or the platform's) has passed: latest first"
    )
    soon: list[BoardOrder] = Field(description="Not late; a clock falls due within the window")
    asked: list[BoardOrder] = Field(
        description="The orders named by ?order_id= that are in neither"
    )
    platform: list[BoardOrder] = Field(description="Unresolved 12345 orders by platform deadline")
