"""How far ahead a planned outage must be announced (provincial water-supply regulations: 24 h
ahead for planned work; ``notice_lead_hours`` of the template in config/notice_templates.yaml).

A notice for an outage closer than that is refused, unless the department head confirms it as an
emergency outage (紧急停水), which no lead time can apply to.
"""

from datetime import datetime, timedelta

from services.outreach.domain.notices import beijing_time


def short_notice(
    lead_hours: float | None, grace_minutes: float, starts_at: datetime | None, now: datetime
) -> str | None:
    """Why an outage starting at ``starts_at`` is announced too late, or None. ``grace_minutes``:
    the time it takes to fill in and send the form, so that an outage typed in for this time
    tomorrow is a day ahead as people count it."""
    if lead_hours is None or starts_at is None:
        return None
    ahead = starts_at - now
    if ahead + timedelta(minutes=grace_minutes) >= timedelta(hours=lead_hours):
        return None
    hours = max(ahead.total_seconds(), 0) / 3600
    return (
        f"计划停水须提前 {lead_hours:g} 小时通知用户：开始时间 {beijing_time(starts_at)} 距现在仅"
        f" {hours:.1f} 小时。请推迟开始时间；确属紧急停水的，须由部门负责人以紧急停水"
        "（emergency: true）确认发起"
    )
