"""The hotline's calls, pure: whose number a call is, whether it was missed, when its 回拨 is due
and what a logged callback does to the task (件件有回音, Art. 18(一)3; 首问负责, Art. 12, 14).

The PBX speaks Zammad's generic CTI (``newCall``, ``answer``, ``hangup``); these rules read only
the fields they need, so they know nothing of the wire format (``services/intake/calls.py``).
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))  # no daylight saving: a fixed offset is exact

# Zammad's hangup causes, as the caller log shows them.
CAUSE_LABELS = {
    "normalClearing": "正常挂断",
    "busy": "占线",
    "cancel": "未接通即挂断",
    "noAnswer": "无人接听",
    "congestion": "线路拥塞",
    "notFound": "号码不存在或离线",
    "forwarded": "已转接",
}
CALLBACK_LABELS = {
    "open": "待回拨",
    "reached": "已回拨",
    "unreachable": "联系不上",
    "answered": "来电已接通",
}
DIRECTION_LABELS = {"in": "呼入", "out": "呼出"}

_MOBILE = re.compile(r"^(?:0086|86|0)?(1[3-9]\d{9})$")


def national(number: str) -> str | None:
    """The number as intake stores a caller's (``13906351234``, ``06358212345``): the country
    prefix or the trunk's leading 0 in front of a mobile dropped; None when the PBX could not
    say who called (``anonymous``)."""
    bare = "".join(ch for ch in number if ch.isdigit())
    if len(bare) < 3:
        return None
    mobile = _MOBILE.match(bare)
    if mobile:
        return mobile[1]
    if bare.startswith("0086"):
        bare = bare[2:]
    if bare.startswith("86") and len(bare) > 10:
        rest = bare[2:]
        return rest if rest.startswith("0") else "0" + rest  # +86 635 8212345: its 0 back
    return bare


def counterpart(direction: str, from_number: str, to_number: str) -> str | None:
    """The outside party: who rang in, or whom an operator rang."""
    return national(from_number if direction == "in" else to_number)


def is_missed(direction: str, answered: bool, cause: str | None, queue: str | None) -> bool:
    """An inbound call hung up before anyone answered, or abandoned in a queue (some PBXs
    'answer' a queued call with the queue itself, so a queued call that does not end by
    normal clearing was not served). A forwarded call is the next leg's to answer."""
    if direction != "in" or cause == "forwarded":
        return False
    return not answered or (queue is not None and cause not in (None, "normalClearing"))


@dataclass(frozen=True)
class WorkingHours:
    start: time
    end: time


def callback_due(missed_at: datetime, minutes: int, hours: WorkingHours) -> datetime:
    """``minutes`` of working time after ``missed_at`` (Beijing working hours, every day): a call
    missed at night is due that many minutes after the desk opens."""
    at = missed_at.astimezone(BEIJING)
    left = timedelta(minutes=minutes)
    while True:
        opens = datetime.combine(at.date(), hours.start, BEIJING)
        closes = datetime.combine(at.date(), hours.end, BEIJING)
        if at < opens:
            at = opens
        if at >= closes:
            at = opens + timedelta(days=1)
            continue
        if at + left <= closes:
            return at + left
        left -= closes - at
        at = opens + timedelta(days=1)


def after_try(tries_not_reached: int, reached: bool, max_tries: int) -> str:
    """The task's state once a callback is logged: reached closes it; the last try that did not
    reach the caller closes it as 联系不上; otherwise it stays open for the next try."""
    if reached:
        return "reached"
    return "unreachable" if tries_not_reached >= max_tries else "open"
