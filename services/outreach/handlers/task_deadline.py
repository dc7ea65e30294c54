"""A notice task's deadline when the campaign names none: the template's time to post, counted
from the worker's own shift (issue 19; the rule itself is ``domain/shifts.py``)."""

from datetime import datetime, timedelta

from services.outreach.config import NoticeTemplate, OutreachDeps
from services.outreach.domain.shifts import on_shift_from
from services.outreach.store import CampaignRow


def task_deadline(
    deps: OutreachDeps,
    template: NoticeTemplate,
    campaign: CampaignRow,
    worker: str,
    now: datetime,
    explicit: bool,
) -> datetime:
    """The campaign's own deadline when it names one; else the template's time to post, counted
    from the worker's shift (a task given at night to a day-shift worker counts from 08:00), and
    never after the outage starts."""
    if explicit:
        return campaign.deadline
    person = deps.org.person(worker)
    shift = deps.org.shifts.get((person.shift if person else None) or "day")
    if shift is None:
        return campaign.deadline
    start = on_shift_from(now, shift, deps.calendar.is_working_day)
    due = start + timedelta(hours=template.post_within_hours)
    starts = campaign.starts_at
    return min(due, starts) if starts is not None and starts > now else due
