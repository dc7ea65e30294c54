"""The Chinese message texts. Times are Beijing time; nothing here holds a caller's phone."""

from datetime import datetime

from services.notify.domain.facts import Notification
from shared.clock import to_local

TITLES = {
    "dispatched": "新工单待签收",
    "escalated": "工单转派待签收",
    "major": "【重大事项】请立即处理",
    "yellow_card": "【黄牌预警】工单时限将至",
    "red_card": "【红牌】工单已超时",
    "reply_due": "12345 答复时限将至",
    "late_on_arrival": "【转来时已超时】工单转入前时限已过",
    "alert": "【系统告警】",
    "urged": "【12345 催办】市民再次来电催促",
    "supervised": "【12345 督办】请按督办时限答复",
    "notice_task": "【通知任务】请按时发送通知",
    "assigned_task": "【交办任务】请按时完成",
    "return_refused": "【12345 退单未获批准】工单仍由您办理",
}
MAJOR_LABEL = "重大事项"


DEADLINES = {
    "acknowledge": "签收",
    "arrive": "到场",
    "resolve": "办结",
    "reply": "答复",
    "appointment": "预约上门",
    "promise": "承诺答复",
    "supervise": "督办答复",
}


CARDS = ("yellow_card", "red_card", "reply_due")


def deadline_reason(kind: str) -> str:
    return f"{DEADLINES.get(kind, kind)}时限"


def major_reason(reason: str) -> str:
    """The reason without the label the title already carries (older events on the log say
    ``重大事项：主管道``; the message must not read 重大事项：重大事项：…)."""
    text = reason.strip()
    while text.startswith(MAJOR_LABEL):
        text = text.removeprefix(MAJOR_LABEL).lstrip("：: ")
    return text


def _when(at: datetime | None) -> str:
    return to_local(at).strftime("%m月%d日 %H:%M") if at else "—"


def title(n: Notification) -> str:
    return TITLES.get(n.notice, "工单通知")


def body(n: Notification) -> str:
    """The lines of the message; the signed link is added by the channel (a button or a line)."""
    if n.notice == "alert" or n.facts is None:
        return n.reason
    f = n.facts
    lines = [
        f"工单：{f.order_id}",
        f"类别：{f.category_label or '—'}",
        f"地址：{f.address or '—'}",
    ]
    if n.notice in ("dispatched", "escalated"):
        lines.append(f"请于 {_when(f.ack_due)} 前签收")
        if f.arrived_late:
            lines.append(_late(f.deadline))
    elif n.notice == "late_on_arrival":
        lines.append(_late(n.deadline or f.deadline))
    elif n.notice in CARDS and n.clocks:
        lines += [f"{deadline_reason(kind)}：{_when(due)}" for kind, due in n.clocks]
    elif n.notice in CARDS:
        lines.append(f"{n.reason or '时限'}：{_when(n.deadline or f.deadline)}")
    elif n.notice == "supervised":
        lines.append(f"督办答复时限：{_when(n.deadline)}")
    else:
        lines.append(f"时限：{_when(n.deadline or f.deadline)}")
    if n.reason and n.notice == "major":
        lines.append(f"事由：{major_reason(n.reason)}")
    elif n.reason and n.notice not in CARDS:
        lines.append(f"说明：{n.reason}")
    if f.incident_id:
        lines.append(f"所属事件：{f.incident_id}（同一事件只通知一次）")
    return "\n".join(lines)


def _late(platform_due: datetime | None) -> str:
    return f"转来时已超时：平台时限 {_when(platform_due)} 在转入前已过，各时限不再逐项提醒"


def sms_params(n: Notification, link: str) -> dict[str, str]:
    """The SMS template's variables: address, category, deadline, link (alerts: summary)."""
    if n.facts is None:
        return {"summary": n.reason[:60]}
    f = n.facts
    due = f.ack_due if n.notice in ("dispatched", "escalated") else (n.deadline or f.deadline)
    if n.clocks:
        due = min(d for _, d in n.clocks)
    return {
        "address": f.address[:35] or "—",
        "category": f.category_label or "—",
        "deadline": _when(due),
        "link": link,
    }
