"""Candidates: deductions an event suggests but only the worker's department head may decide.

Art. 18(一)1 deducts for a worker whose work phone cannot be reached "affecting work"; whether a
failed message was the worker's fault is a judgement, so a ``NotificationFailed`` becomes a
COMM_UNREACHABLE *candidate* that the head confirms (a ledger entry) or dismisses, never an
automatic deduction. A candidate is generic (rule, worker, reason, source) so that other rules
(INFO_NOT_SENT, WECHAT_GROUP_MISSING) can propose theirs the same way. A 回访 不满意 offers
NO_ECHO (Art. 18(一)3, 件件有回音) against whoever held the order: the head judges fault.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from services.scoring.domain.counts import month_of
from services.scoring.domain.rulebook import RuleBook
from shared.clock import to_local
from shared.contracts import (
    ActivityEvent,
    CallbackRecorded,
    NoticeOverdue,
    NotificationFailed,
    OrderEvent,
    WeChatGroupMissing,
)

_NAMESPACE = uuid5(NAMESPACE_URL, "gridline:scoring:candidate")
CHANNELS = {"wecom_app": "企业微信", "sms": "短信", "wecom_robot": "群机器人", "webhook": "Webhook"}


@dataclass(frozen=True)
class Candidate:
    candidate_id: str
    rule: str
    worker_id: str
    month: str
    reason: str
    source: str
    """What proposed it: the event type (``NotificationFailed``…)."""
    source_ref: str | None
    """The order (or other record) it is about."""
    event_id: str
    occurred_at: datetime


def marker(candidate_id: str) -> str:
    """How a confirming ledger entry names its candidate (in its evidence), so that a replay of
    the log finds the candidate decided whichever of the two it applies first."""
    return f"候选 {candidate_id}"


PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"
STATE_LABELS = {PENDING: "待确认", CONFIRMED: "已确认扣分", DISMISSED: "已驳回"}


def confirmed_candidate(evidence: str | None) -> str | None:
    if not evidence or "候选 " not in evidence:
        return None
    return evidence.rsplit("候选 ", 1)[1].strip() or None


def candidates_for(event: OrderEvent | ActivityEvent, book: RuleBook) -> list[Candidate]:
    match event:
        case NotificationFailed(payload=f):
            month = month_of(event.occurred_at)
            if book.rule("COMM_UNREACHABLE", month) is None:
                return []
            channel = CHANNELS.get(f.channel, f.channel)
            return [
                Candidate(
                    candidate_id=str(uuid5(_NAMESPACE, f"{event.event_id}:COMM_UNREACHABLE")),
                    rule="COMM_UNREACHABLE",
                    worker_id=f.person_id,
                    month=month,
                    reason=f"工单 {event.order_id} 通知失败（{channel}）：{f.reason}",
                    source=event.type,
                    source_ref=event.order_id,
                    event_id=str(event.event_id),
                    occurred_at=event.occurred_at,
                )
            ]
        case NoticeOverdue(payload=n):
            due = f"{to_local(n.deadline):%m-%d %H:%M}"
            reason = f"{n.community}「{n.title}」未在 {due} 前发送（任务 {n.task_id}）"
            return _proposed(event, "INFO_NOT_SENT", month_of(n.deadline), reason, n.task_id, book)
        case CallbackRecorded(payload=c) if c.satisfaction == "不满意" and c.holder_id:
            said = f"：{c.opinion}" if c.opinion else ""
            solved = "已解决" if c.solved else "未解决"
            reason = f"工单 {event.order_id} 回访不满意（{solved}，第 {c.round} 次办理）{said}"
            return _offered(event, "NO_ECHO", c.holder_id, reason, event.order_id, book)
        case WeChatGroupMissing(payload=g):
            reason = f"{g.community}（网格 {g.grid}）未登记业主微信群，也未登记物业负责人联系方式"
            return _proposed(event, "WECHAT_GROUP_MISSING", g.month, reason, g.community, book)
    return []


def _proposed(
    event: ActivityEvent, rule: str, month: str, reason: str, ref: str, book: RuleBook
) -> list[Candidate]:
    return _offered(event, rule, event.worker_id, reason, ref, book, month)


def _offered(
    event: OrderEvent | ActivityEvent,
    rule: str,
    worker_id: str,
    reason: str,
    ref: str,
    book: RuleBook,
    month: str | None = None,
) -> list[Candidate]:
    month = month or month_of(event.occurred_at)
    if book.rule(rule, month) is None:
        return []
    return [
        Candidate(
            candidate_id=str(uuid5(_NAMESPACE, f"{event.event_id}:{rule}")),
            rule=rule,
            worker_id=worker_id,
            month=month,
            reason=reason,
            source=event.type,
            source_ref=ref,
            event_id=str(event.event_id),
            occurred_at=event.occurred_at,
        )
    ]
