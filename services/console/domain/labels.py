"""How things are shown to people, pure: Chinese labels, Beijing time, time left."""

import re
from datetime import datetime

from shared import labels as shared_labels
from shared.clock import to_local

# The codes every service shares are named in shared/labels.py, the one table (issue 21).
STATES = shared_labels.ORDER_STATES
PRIORITIES = shared_labels.PRIORITIES
SOURCES = shared_labels.SOURCES
DEADLINE_KINDS = shared_labels.CLOCK_KINDS
CLOCK_STATES = shared_labels.CLOCK_STATES
EVENTS = shared_labels.EVENT_TYPES
POSITIONS = shared_labels.CHAIN_POSITIONS
ROLES = {
    "operator": "接线员",
    "ops": "运维值班",
    "admin": "管理员",
    "department": "网格员/部门人员",
    "head": "部门负责人",
}


label = shared_labels.label


def role_label(role: str) -> str:
    return ROLES.get(role.split(":", 1)[0], role)


def beijing(when: datetime | str | None, with_date: bool = True) -> str:
    if when is None or when == "":
        return ""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    local = to_local(when)
    return local.strftime("%m-%d %H:%M" if with_date else "%H:%M")


def duration(seconds: int) -> str:
    """3天2小时 / 2小时10分 / 5分钟: how long something has been late."""
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分钟"


def time_left(due: datetime | str | None, now: datetime) -> str:
    """剩余 2小时10分 / 已超时 1天3小时: what a grid worker reads at a glance."""
    if due is None or due == "":
        return ""
    if isinstance(due, str):
        due = datetime.fromisoformat(due)
    seconds = int((due - now).total_seconds())
    prefix = "剩余" if seconds >= 0 else "已超时"
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{prefix}{days}天{hours}小时"
    if hours:
        return f"{prefix}{hours}小时{minutes}分"
    return f"{prefix}{minutes}分钟"


_REASONS = (
    (re.compile(r"^off shift \((\w+) (\S+)\)"), r"不在班（班次 \2）"),
    (re.compile(r"^on leave until (\S+)"), r"请假至 \1"),
    (re.compile(r"^unavailable until (\S+)"), r"暂不在岗至 \1"),
    (re.compile(r"^already asked and did not sign"), "已派过、未签收"),
    (re.compile(r" has nobody on duty"), " 无人值班"),
    (re.compile(r"^address matches no grid$"), "地址未匹配到网格"),
    (re.compile(r" is not in the organisation"), " 不在组织架构中"),
)


def reason(text: str) -> str:
    """The router's skip reasons, said in Chinese; the person's id leads the router's text and
    is dropped (the page names the person beside it)."""
    text = re.sub(r"^[A-Z]-\d{4} ", "", text)
    for pattern, chinese in _REASONS:
        text = pattern.sub(chinese, text)
    return text
