"""Ledger entries: what an event or a head's decision adds to a worker's month.

An entry's id is derived from its cause (event id, rule, worker), so replaying the log writes the
very same entries, and the same event can never add a second one.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from services.scoring.domain.counts import month_of
from services.scoring.domain.rulebook import Rule, RuleBook
from services.scoring.domain.tasks import late_reason
from shared.contracts import (
    ActivityEvent,
    AppointmentMissed,
    ComplaintVerified,
    OrderEvent,
    OrderReceived,
    ScoreEntryRecorded,
    SlaBreached,
    TaskLate,
)
from shared.refusals import Invalid

Source = Literal["event", "manual", "closing"]
_NAMESPACE = uuid5(NAMESPACE_URL, "gridline:scoring:ledger")


@dataclass(frozen=True)
class LedgerEntry:
    entry_id: str
    worker_id: str
    month: str
    rule: str
    points: int
    source: Source
    reason: str
    occurred_at: datetime
    event_id: str | None = None
    event_type: str | None = None
    order_id: str | None = None
    by: str | None = None
    evidence: str | None = None
    flag: str | None = None
    corrects: str | None = None


def entry_id_for(event_id: UUID | str, rule: str, worker_id: str) -> str:
    return str(uuid5(_NAMESPACE, f"{event_id}:{rule}:{worker_id}"))


def _automatic(
    book: RuleBook,
    event: OrderEvent,
    code: str,
    worker_id: str,
    reason: str,
) -> list[LedgerEntry]:
    month = month_of(event.occurred_at)
    rule = book.rule(code, month)
    if rule is None:  # not in force that month
        return []
    return [
        LedgerEntry(
            entry_id=entry_id_for(event.event_id, code, worker_id),
            worker_id=worker_id,
            month=month,
            rule=code,
            points=rule.points,
            source="event",
            reason=reason,
            occurred_at=event.occurred_at,
            event_id=str(event.event_id),
            event_type=event.type,
            order_id=event.order_id,
            flag=rule.flag,
        )
    ]


def automatic_entries(event: OrderEvent | ActivityEvent, book: RuleBook) -> list[LedgerEntry]:
    """The Art. 18 entries an event on the log causes by itself."""
    match event:
        case ComplaintVerified(payload=c) if c.verified:
            reason = f"投诉查证属实（{c.by}）" + (f"：{c.note}" if c.note else "")
            return _automatic(book, event, "COMPLAINT_VERIFIED", c.worker_id, reason)
        case AppointmentMissed(payload=m) if m.assignee_id and not m.explained:
            reason = f"未按约定时间 {m.appointment_at:%Y-%m-%d %H:%M} UTC 服务且未做解释"
            return _automatic(book, event, "APPOINTMENT_UNEXPLAINED", m.assignee_id, reason)
        case SlaBreached(payload=b) if (
            b.assignee_id and b.acknowledged and b.deadline in book.task_late_deadlines
        ):
            reason = f"已签收的任务超过时限（{b.deadline}）"
            return _automatic(book, event, "TASK_LATE", b.assignee_id, reason)
        case OrderReceived(payload=o) if o.named_worker_id and o.category in book.praise_categories:
            return _automatic(book, event, "PRAISE", o.named_worker_id, "用户来信、来电表扬")
        case TaskLate():
            return task_late_entries(event, book)
        case _:
            return []


def task_late_entries(event: TaskLate, book: RuleBook) -> list[LedgerEntry]:
    """Art. 18(一)7's −2, in the month the task was due. The id comes from the task and the
    worker, not the event: done late and the deadline passing open are one late task."""
    t = event.payload
    month = month_of(t.deadline)
    rule = book.rule("TASK_LATE", month)
    if rule is None:
        return []
    return [
        LedgerEntry(
            entry_id=entry_id_for(f"task:{t.task_id}", "TASK_LATE", event.worker_id),
            worker_id=event.worker_id,
            month=month,
            rule="TASK_LATE",
            points=rule.points,
            source="event",
            reason=late_reason(t.title, t.deadline, t.done_at),
            occurred_at=event.occurred_at,
            event_id=str(event.event_id),
            event_type=event.type,
            evidence=f"交办任务 {t.task_id}",
            flag=rule.flag,
        )
    ]


def recorded_entry(event: ScoreEntryRecorded) -> LedgerEntry:
    """A head's manual entry (or correction) as it stands on the log."""
    p = event.payload
    return LedgerEntry(
        entry_id=p.entry_id,
        worker_id=event.worker_id,
        month=p.month,
        rule=p.rule,
        points=p.points,
        source="manual",
        reason=p.reason,
        occurred_at=event.occurred_at,
        event_id=str(event.event_id),
        event_type=event.type,
        by=p.by,
        evidence=p.evidence,
        flag=p.flag,
        corrects=p.corrects,
    )


class ManualEntryRefused(Invalid):
    """A head's entry the rule book does not allow; the message says why (Chinese)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field)


@dataclass(frozen=True)
class ManualRequest:
    worker_id: str
    month: str
    rule: str
    reason: str
    by: str
    evidence: str | None = None


def manual_rule(request: ManualRequest, book: RuleBook) -> Rule:
    """The rule (points, flag) a head's entry falls under in its month, or why it cannot."""
    rule = book.rule(request.rule, request.month)
    if rule is None:
        raise ManualEntryRefused("rule", f"{request.month} 没有考核项 {request.rule}")
    if rule.entry != "manual":
        raise ManualEntryRefused("rule", f"{rule.code}（{rule.label}）由系统自动记分，不能手工录入")
    if not request.reason.strip():
        raise ManualEntryRefused("reason", "请填写原因")
    if rule.evidence_required and not (request.evidence or "").strip():
        raise ManualEntryRefused(
            "evidence", f"{rule.label}：请附上凭证（如表扬信扫描件或登记编号）"
        )
    return rule
