"""Who a roster change would wake, pure: before 立即生效 the head is shown, for each duty unit,
who is on duty now and whom the next escalation to that unit's duty would wake, before and after
the change (issue 19: a roster edit never wakes the wrong person)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.router.domain.chain import Link, walk
from services.router.domain.roster import Roster


@dataclass(frozen=True)
class UnitWake:
    unit: str
    on_duty: str | None
    woken: str


def unit_department(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    return team.department if team else unit


def woken(roster: Roster, unit: str, now: datetime) -> UnitWake:
    """The person an escalation to ``unit``'s duty would reach at ``now``: the unit's duty person
    if reachable, else the department's, else the head (who is never skipped)."""
    department = unit_department(roster, unit)
    links = [] if unit == department else [Link("TEAM_DUTY", roster.on_duty(unit, now), unit)]
    links += [
        Link("DEPT_DUTY", roster.on_duty(department, now), department),
        Link("HEAD", roster.org.department(department).head, department),
    ]
    link, _ = walk(links, 0, roster, now)
    return UnitWake(unit, roster.on_duty(unit, now), link.person_id or "")


def new_swaps_of_day(
    items: Sequence[dict[str, Any]], standing: Sequence[dict[str, Any]], duty_day: date
) -> list[dict[str, Any]]:
    """The swaps that would change who is on duty for the duty day under way: named for that
    day and not already standing (same date and person)."""
    held = {(str(s["date"]), s["person"]) for s in standing}
    return [
        i
        for i in items
        if str(i["date"]) == duty_day.isoformat() and (str(i["date"]), i["person"]) not in held
    ]


def _away_on(leave: Sequence[dict[str, Any]], day: date) -> set[str]:
    """The periods of one person's leave that cover ``day``, each by its stand-in ("" none)."""
    return {
        str(lv.get("stand_in") or "")
        for lv in leave
        if date.fromisoformat(str(lv["from"])) <= day <= date.fromisoformat(str(lv["to"]))
    }


def leave_takes_away_today(
    items: Sequence[dict[str, Any]], standing: Sequence[dict[str, Any]], today: date
) -> bool:
    """Whether a person's new leave list takes them away today (Beijing date, as leave is
    kept) where the standing list did not, or names another stand-in for a head away today:
    either changes at once who an escalation wakes. Leave taken back (撤销) is not: the person
    is reachable again, as they would have been without it."""
    return bool(_away_on(items, today) - _away_on(standing, today))
