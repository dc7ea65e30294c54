"""One ledger item as people read it: its rule's label, where it came from and what caused it."""

from collections.abc import Mapping
from datetime import datetime

from services.scoring.config import RuleBook
from services.scoring.domain.entries import LedgerEntry
from services.scoring.schemas import EntryView
from shared.clock import to_local

SOURCE_LABELS = {
    "event": "系统自动",
    "manual": "负责人录入",
    "closing": "月度结算",
    "provisional": "排名加分（暂定）",
}
EVENT_LABELS = {
    "ComplaintVerified": "投诉查证属实",
    "AppointmentMissed": "未按约定时间服务",
    "SlaBreached": "工单超时",
    "OrderReceived": "表扬来电",
    "TaskLate": "交办任务逾期",
}


def _at(when: datetime) -> str:
    return f"{to_local(when):%Y-%m-%d %H:%M}"


def cause_of(e: LedgerEntry, names: Mapping[str, str]) -> str:
    """What put the item there, in a sentence: the event and its order (or task) and time, the
    head who entered it, or the closing."""
    if e.source == "event":
        label = EVENT_LABELS.get(e.event_type or "", e.event_type or "事件")
        about = f"工单 {e.order_id}" if e.order_id else (e.evidence or "")
        return f"{label}：{about}，{_at(e.occurred_at)}"
    if e.source == "closing":
        return f"{e.month} 月度结算，{_at(e.occurred_at)}"
    who = names.get(e.by or "", e.by or "")
    fix = "（更正此前条目）" if e.corrects else ""
    return f"{who} 于 {_at(e.occurred_at)} 录入{fix}"


def entry_view(
    e: LedgerEntry,
    book: RuleBook,
    closed_at: datetime | None,
    names: Mapping[str, str] | None = None,
) -> EntryView:
    rule = book.rule(e.rule, e.month)
    return EntryView(
        entry_id=e.entry_id,
        worker_id=e.worker_id,
        month=e.month,
        rule=e.rule,
        label=rule.label if rule else e.rule,
        article=rule.article if rule else "",
        points=e.points,
        source=e.source,
        source_label=SOURCE_LABELS.get(e.source, e.source),
        cause=cause_of(e, names or {}),
        event_id=e.event_id,
        event_type=e.event_type,
        order_id=e.order_id,
        entered_by=e.by,
        reason=e.reason,
        evidence=e.evidence,
        flag=e.flag,
        corrects=e.corrects,
        occurred_at=e.occurred_at,
        adjustment=closed_at is not None and e.occurred_at > closed_at,
    )
