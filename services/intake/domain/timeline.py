"""One line of Chinese per event, for the people who read an order's timeline."""

from collections.abc import Mapping
from datetime import datetime

from shared.clock import to_local
from shared.contracts import (
    AckOverdue,
    AnswerPromised,
    CallbackRecorded,
    DuplicateLinked,
    ExtensionGranted,
    ExtensionRefused,
    MajorEventRaised,
    NotificationFailed,
    OrderAcknowledged,
    OrderDispatched,
    OrderEvent,
    OrderLinked,
    OrderReceived,
    OrderReopened,
    OrderResolved,
    OrderReturned,
    OrderSplit,
    OrderSupervised,
    OrderUrged,
    OrderWithdrawn,
    PlatformDecided,
    ReplySent,
    ResolveDeadlineSet,
    ReturnRefused,
    ReturnRequested,
    SlaBreached,
    SlaWarning,
)
from shared.labels import CHAIN_POSITIONS, SOURCES, label


def _when(at: datetime) -> str:
    return to_local(at).strftime("%m-%d %H:%M")


def _decider(who: str) -> str:
    # The router writes "12345" when the platform, not a head, settled our 延期 request.
    return "12345 平台" if who == "12345" else who


def _round(number: int) -> str:
    return f"（第 {number} 次办理）" if number > 1 else ""


# departments: code → name, so a dispatch says 用户维修处, not USER_MAINTENANCE.
def summarize(event: OrderEvent, departments: Mapping[str, str] | None = None) -> str:
    match event:
        case OrderReceived(payload=p):
            care = "，特殊关爱户" if p.special_care else ""
            grid = "" if p.grid_matched is not False else "，地址未匹配网格"
            source = label(SOURCES, p.source)
            return f"受理：{p.category_label}（来源 {source}，编号 {p.source_ref}{care}{grid}）"
        case DuplicateLinked(payload=p):
            return f"并入事件 {p.incident_id}（主单 {p.primary_order_id}）：{p.reason}"
        case OrderDispatched(payload=p):
            due = to_local(p.ack_due).strftime("%m-%d %H:%M")
            who = p.assignee_name or p.assignee_id
            pos = label(CHAIN_POSITIONS, p.chain_position)
            department = (departments or {}).get(p.department, p.department)
            return f"派单至 {department} {who}（{pos}），{due} 前签收{_round(p.round)}"
        case OrderAcknowledged(payload=p):
            return f"{p.by} 已签收"
        case AnswerPromised(payload=p):
            told = f"：{p.note}" if p.note else ""
            return f"{p.by} 约定 {_when(p.promised_at)} 前答复来电人{told}"
        case OrderResolved(payload=p) if p.cascaded_from:
            return f"随事件 {p.incident_id} 办结（主单 {p.cascaded_from}）：{p.handling_notes}"
        case OrderResolved(payload=p):
            return f"已办结{_round(p.round)}：{p.handling_notes}"
        case OrderReopened(payload=p):
            due = f"，办理时限 {_when(p.deadline)}" if p.deadline else ""
            return f"重新办理（第 {p.round} 次办理）：{p.reason}{due}"
        case OrderUrged(payload=p):
            return f"12345 催办（{_when(p.at)}）{p.content}"
        case OrderSupervised(payload=p):
            return f"12345 督办，{_when(p.deadline)} 前答复：{p.content}"
        case CallbackRecorded(payload=p):
            solved = "已解决" if p.solved else "未解决"
            return f"回访：{p.satisfaction}，{solved}{_round(p.round)}：{p.opinion}"
        case OrderWithdrawn(payload=p):
            return f"12345 撤单：{p.reason}（停止计时，不答复，不计分）"
        case PlatformDecided(payload=p):
            what = "延期申请" if p.request == "extension" else "退单申请"
            verdict = "同意" if p.approved else "不同意"
            return f"12345 对{what}：{verdict}（{p.reason}）"
        case OrderLinked(payload=p):
            return f"并入事件 {p.incident_id} 的派单（主单 {p.primary_order_id}），不单独派单"
        case OrderSplit(payload=p):
            return f"从事件 {p.incident_id} 拆出单独处理（{p.by}）：{p.reason}"
        case AckOverdue():
            return "签收超时，转下一责任人"
        case SlaWarning(payload=p):
            return f"黄牌预警：{p.deadline} 时限将至"
        case SlaBreached(payload=p):
            return f"红牌：{p.deadline} 已超时"
        case MajorEventRaised(payload=p):
            return f"重大事项：{p.reason}"
        case NotificationFailed(payload=p):
            return f"通知失败：{p.person_name or p.person_id}无法联系（{p.reason}）"
        case ReplySent(payload=p):
            return f"已答复（{p.channel}）"
        case ResolveDeadlineSet(payload=p):
            return f"办结时限 {to_local(p.due).strftime('%m-%d %H:%M')}"
        case _:
            return _extension_or_type(event)


def _extension_or_type(event: OrderEvent) -> str:
    """Our 延期 request settled, saying who decided (a head, or the 12345 platform); any other
    event by its type. Apart from ``summarize`` to keep that readable at a glance."""
    match event:
        case ExtensionGranted(payload=p):
            days, due = p.extra_working_days, _when(p.new_deadline)
            return f"延期批准（{_decider(p.approved_by)}）：延长 {days} 个工作日，办结时限 {due}"
        case ExtensionRefused(payload=p):
            why = f"：{p.reason}" if p.reason else ""
            return f"延期驳回（{_decider(p.refused_by)}）{why}"
        case ReturnRequested(payload=p):
            return f"{p.by} 申请退单，待 12345 平台审批（期间照常办理、计时）：{p.reason}"
        case ReturnRefused(payload=p):
            why = f"：{p.reason}" if p.reason else ""
            return f"退单未获批准（{_decider(p.refused_by)}），仍由原办理人办理{why}"
        case OrderReturned(payload=p) if p.to_platform:
            who = _decider(p.approved_by or "12345")
            return f"已退回 12345 平台（{who}批准）：{p.reason}（停止计时，不答复，不计分）"
    return event.type
