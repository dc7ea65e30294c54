"""Coverage readiness, pure: what in the next days would leave an order with nobody to take it
(Art. 4(3) 24-hour service, Art. 8 A/B posts), found before it bites.

Four kinds of finding, each a stretch of time:

- ``duty_gap``: a team's or department's person on duty is away (leave, an override) — nobody
  is on that unit's duty;
- ``grid_uncovered``: a grid's A and B posts are both away at once (leave or an override; being
  off shift is not away, the duty person covers nights);
- ``head_no_stand_in``: a head on leave names no stand-in, or the stand-in is away too;
- ``no_contact``: a person on duty has neither a work phone nor a 企业微信 account to reach.

The time between two consecutive boundaries (handovers, midnights, overrides' ends) is uniform,
so each stretch is checked once at its start and neighbours with the same finding are merged.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import pairwise

from services.router.domain.roster import Roster
from shared.clock import LOCAL_TZ, to_local

DUTY_GAP, GRID_UNCOVERED, HEAD_NO_STAND_IN, NO_CONTACT = (
    "duty_gap",
    "grid_uncovered",
    "head_no_stand_in",
    "no_contact",
)
KIND_LABELS = {
    DUTY_GAP: "值班空档",
    GRID_UNCOVERED: "网格A、B岗同时不在岗",
    HEAD_NO_STAND_IN: "负责人请假无人代理",
    NO_CONTACT: "值班人员无可用联系方式",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    department: str
    subject: str
    """The unit, grid or person the finding is about."""
    start: datetime
    end: datetime
    detail: str


def boundaries(roster: Roster, start: datetime, end: datetime) -> list[datetime]:
    handover = roster.org.rotation.handover
    day = to_local(start).date()
    points = {start, end}
    while datetime.combine(day, time(0), LOCAL_TZ) < end:
        for at in (time(0), handover):
            points.add(datetime.combine(day, at, LOCAL_TZ))
        day += timedelta(days=1)
    for o in roster.overrides:
        points.update((o.from_, o.to))
    return sorted(p for p in points if start <= p <= end)


def _away(roster: Roster, person: str, at: datetime) -> str | None:
    """Leave or an override; shifts do not count (on_duty=True ignores them)."""
    return roster.unavailable_because(person, at, on_duty=True)


def _merge(found: Iterable[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for f in found:
        last = merged[-1] if merged else None
        if last and (last.kind, last.subject) == (f.kind, f.subject) and last.end == f.start:
            merged[-1] = Finding(f.kind, f.department, f.subject, last.start, f.end, last.detail)
        else:
            merged.append(f)
    return merged


def _unit_department(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    return team.department if team else unit


def _at_step(roster: Roster, at: datetime, until: datetime) -> list[Finding]:
    org = roster.org
    found: list[Finding] = []
    for unit in roster.rotations:
        department = _unit_department(roster, unit)
        person = roster.on_duty(unit, at)
        if person is None:
            found.append(Finding(DUTY_GAP, department, unit, at, until, f"{unit} 没有值班轮换"))
            continue
        why = _away(roster, person, at)
        if why:
            found.append(Finding(DUTY_GAP, department, unit, at, until, f"{unit} 值班人 {why}"))
        p = org.person(person)
        if p is not None and not p.work_phone and not p.wecom_userid:
            detail = f"{p.name}（{unit} 值班）没有工作手机号，也没有企业微信账号"
            found.append(Finding(NO_CONTACT, department, f"{unit}:{person}", at, until, detail))
    for grid in org.grids:
        a, b = _away(roster, grid.a_post, at), _away(roster, grid.b_post, at)
        if a and b:
            detail = f"A岗 {a}；B岗 {b}"
            dept = org.department_of_grid(grid)
            found.append(Finding(GRID_UNCOVERED, dept, grid.code, at, until, detail))
    day = to_local(at).date()
    for d in org.departments:
        for lv in roster.leave:
            if lv.person != d.head or not lv.from_ <= day <= lv.to:
                continue
            if lv.stand_in is None:
                detail = f"负责人 {d.head} 请假（{lv.from_:%m-%d}至{lv.to:%m-%d}），未指定代理人"
            elif why := _away(roster, lv.stand_in, at):
                detail = f"负责人 {d.head} 请假，代理人 {why}"
            else:
                continue
            found.append(Finding(HEAD_NO_STAND_IN, d.code, d.head, at, until, detail))
    return found


def findings(roster: Roster, start: datetime, days: int = 7) -> list[Finding]:
    """Everything found from ``start`` for ``days`` days, merged into stretches, in time order
    per kind and subject."""
    end = start + timedelta(days=days)
    points = boundaries(roster, start, end)
    raw = [f for at, until in pairwise(points) for f in _at_step(roster, at, until)]
    raw.sort(key=lambda f: (f.kind, f.subject, f.start))
    return _merge(raw)
