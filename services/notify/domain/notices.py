"""Which events someone must hear of, and the notice each gives (before the rules say who)."""

import hashlib
from collections.abc import Mapping
from datetime import datetime

from services.notify.domain import texts
from services.notify.domain.facts import Notification, OrderFacts
from shared.clock import to_local
from shared.contracts import (
    MajorEventRaised,
    NoticeTaskAssigned,
    OrderDispatched,
    OrderEvent,
    OrderSupervised,
    OrderUrged,
    ReturnRefused,
    SlaBreached,
    SlaWarning,
    TaskAssigned,
)


def notifications_for(event: OrderEvent, facts: OrderFacts) -> list[Notification]:
    """What someone must hear of this event, given what notify knows of its order."""
    match event:
        case OrderDispatched():
            return _dispatched(event, facts)
        case MajorEventRaised():
            return [_major(event, facts)]
        case SlaWarning() | SlaBreached():
            return _card(event, facts)
        case OrderUrged() | OrderSupervised():
            return [_chased(event, facts)]
        case ReturnRefused():
            return [_return_refused(event, facts)]
    return []


def _return_refused(event: ReturnRefused, facts: OrderFacts) -> Notification:
    """The platform refused our 退单 (issue 20): the order is still the holder's, its clocks
    running, so the holder and their head hear of it at once. Keyed on the event's order and
    assignment: a redelivered event tells nobody twice."""
    p = event.payload
    reason = f"12345 平台不同意退单：{p.reason}" if p.reason else "12345 平台不同意退单"
    return Notification(
        "return_refused",
        f"{event.order_id}:{p.assignment_id}:{event.occurred_at.isoformat()}",
        facts,
        facts.priority,
        f"{reason}；工单仍由您办理，时限照常计算",
        deadline=facts.deadline,
        cause_event_id=str(event.event_id),
    )


def _chased(event: OrderUrged | OrderSupervised, facts: OrderFacts) -> Notification:
    """催办 or 督办 from the 12345 platform: the holder and the head hear of it at once. Keyed on
    the platform's message, so a resent one tells nobody twice and a second 催办 is news."""
    p = event.payload
    deadline: datetime | None
    if isinstance(event, OrderSupervised):
        notice, deadline = "supervised", event.payload.deadline
    else:
        notice, deadline = "urged", facts.deadline
    return Notification(
        notice,
        f"{event.order_id}:{p.message_id}",
        facts,
        facts.priority,
        p.content,
        deadline=deadline,
        cause_event_id=str(event.event_id),
    )


def _dispatched(event: OrderDispatched, facts: OrderFacts) -> list[Notification]:
    p = event.payload
    cause = str(event.event_id)
    notice = "dispatched" if p.reason == "initial" else "escalated"
    told = Notification(
        notice,
        f"{event.order_id}:{p.assignment_id}",
        facts,
        p.priority,
        assignment_id=p.assignment_id,
        cause_event_id=cause,
    )
    if not facts.arrived_late:
        return [told]
    # One 转来时已超时 notice per order and person instead of a red card per clock: the
    # assignee reads it in the dispatch itself, the others in a notice of its own.
    late = Notification(
        "late_on_arrival",
        event.order_id,
        facts,
        p.priority,
        deadline=facts.deadline,
        cause_event_id=cause,
        told_already=(p.assignee_id,),
    )
    return [told, late]


def _major(event: MajorEventRaised, facts: OrderFacts) -> Notification:
    reason = texts.major_reason(event.payload.reason)
    return Notification(
        "major",
        _major_cause(facts, reason),
        facts,
        "critical",
        reason,
        event.payload.notify,
        cause_event_id=str(event.event_id),
    )


def _card(event: SlaWarning | SlaBreached, facts: OrderFacts) -> list[Notification]:
    p = event.payload
    if facts.expired_before_intake(p.due):
        return []  # said once, as 转来时已超时, with the dispatch
    if isinstance(event, SlaBreached):
        notice = "red_card"
    else:
        notice = "reply_due" if p.deadline == "reply" else "yellow_card"
    # Keyed on the deadline, not the event: a card the SLA service fires again (after a restart,
    # say) tells nobody twice.
    return [
        Notification(
            notice,
            f"{event.order_id}:{p.deadline}:{p.due.isoformat()}",
            facts,
            facts.priority,
            texts.deadline_reason(p.deadline),
            deadline=p.due,
            cause_event_id=str(event.event_id),
            clocks=((p.deadline, p.due),),
        )
    ]


def _major_cause(facts: OrderFacts, reason: str) -> str:
    """Keyed on what the person is told — this incident (or order) is major, for this reason —
    not on the event: intake's flag and the router's relay of it tell the head once, while a
    new reason (nobody signed for it) is news."""
    subject = facts.incident_id or facts.order_id
    return f"{subject}:{hashlib.sha1(reason.encode()).hexdigest()[:12]}"


def alert_notification(
    labels: Mapping[str, str], annotations: Mapping[str, str], starts_at: datetime, fingerprint: str
) -> Notification:
    """An Alertmanager alert, for ops: keyed on its fingerprint and start, so a repeat of one
    plans nothing new."""
    name = labels.get("alertname", "告警")
    summary = annotations.get("summary", "")
    severity = labels.get("severity", "warning")
    cause = f"{fingerprint or name}:{starts_at.isoformat()}"
    return Notification(
        "alert",
        cause,
        None,
        "critical" if severity == "critical" else "normal",
        reason=f"{name}（{severity}）：{summary}".rstrip("："),
    )


def notice_task_notification(event: NoticeTaskAssigned) -> Notification:
    """A notice task (通知任务) for its worker: what to post, where and by when. Keyed on the
    task, so a redelivered event tells nobody twice."""
    p = event.payload
    due = to_local(p.deadline).strftime("%m月%d日 %H:%M")
    reason = f"{p.title}：{p.community}\n请于 {due} 前在小区群发送并标记已发送（任务 {p.task_id}）"
    return Notification(
        "notice_task",
        p.task_id,
        None,
        reason=reason,
        named=(event.worker_id,),
        deadline=p.deadline,
        cause_event_id=str(event.event_id),
    )


def assigned_task_notification(event: TaskAssigned) -> Notification:
    """A task the head gave the worker (交办任务, Art. 18(一)7): what counts as done and by when;
    late costs 2 points, so the worker hears of it at once. Keyed on the task and the worker."""
    p = event.payload
    due = to_local(p.deadline).strftime("%m月%d日 %H:%M")
    reason = f"{p.title}\n完成标准：{p.done_when}\n请于 {due} 前完成（任务 {p.task_id}）"
    return Notification(
        "assigned_task",
        f"{p.task_id}:{event.worker_id}",
        None,
        reason=reason,
        named=(event.worker_id,),
        deadline=p.deadline,
        cause_event_id=str(event.event_id),
    )
