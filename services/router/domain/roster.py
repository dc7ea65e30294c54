"""Who is reachable at a given moment, pure: shifts, duty rotations, leave and one-off overrides.

The rules (docs/router.md says the same for people):

- A one-off override is the most specific fact and wins over everything else.
- Leave (whole Beijing dates, both ends included) makes a person unavailable.
- A grid worker works a shift (``day``: 08:00–17:30 on working days, make-up Saturdays included,
  Chinese public holidays excluded). Outside it they are off.
- Duty rotations: each team (and each department) has a rotation list; one person per *duty
  day*, in list order, counted from ``rotation.epoch``. A duty day runs from ``rotation.handover``
  (08:00) to the next day's handover, so the person on duty at 03:00 on the 5th is the one whose
  duty day is the 4th. A duty swap names someone else for one duty date. The person on duty
  covers the whole duty day, nights and days off included (24-hour service, Art. 4.3).
- A rotation edited over HTTP takes effect from the next duty day (the next 08:00 handover):
  tonight's person on duty, who may have just taken an order, stays on duty. Only a change the
  head confirms as 立即生效 applies to the duty day under way (``rotation_change``).
- Department heads are always reachable: the head is the last link and never skipped.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.clock import to_local
from shared.organisation import DutySwap, Leave, Organisation, Override, Shift
from shared.workdays import WorkCalendar

DEFAULT_WORKER_SHIFT = "day"


@dataclass(frozen=True)
class RotationPeriod:
    """A unit's rotation list from one duty date on (``start`` None: from the beginning)."""

    start: date | None
    people: tuple[str, ...]


@dataclass(frozen=True)
class Roster:
    """The organisation plus the roster as it stands now (file + changes made over HTTP)."""

    org: Organisation
    calendar: WorkCalendar
    leave: tuple[Leave, ...] = ()
    overrides: tuple[Override, ...] = ()
    swaps: tuple[DutySwap, ...] = ()
    rotations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Rotations changed over HTTP, each unit's lists by the duty date they start on; the newest
    # list is also in ``rotations``, which the views and coverage read.
    rotation_periods: Mapping[str, tuple[RotationPeriod, ...]] = field(default_factory=dict)

    @classmethod
    def from_org(cls, org: Organisation, calendar: WorkCalendar) -> "Roster":
        return cls(
            org=org,
            calendar=calendar,
            leave=org.leave,
            overrides=org.overrides,
            swaps=org.duty_swaps,
            rotations=default_rotations(org),
        )

    # --- duty -----------------------------------------------------------------------------------

    def duty_date(self, at: datetime) -> date:
        local = to_local(at)
        if local.time() < self.org.rotation.handover:
            return local.date() - timedelta(days=1)
        return local.date()

    def on_duty(self, unit: str, at: datetime) -> str | None:
        """The team's or department's person on duty at ``at`` (None: it has no rotation)."""
        day = self.duty_date(at)
        for swap in reversed(self.swaps):
            if swap.unit == unit and swap.date == day:
                return swap.person
        rotation = self.rotation_on(unit, day)
        if not rotation:
            return None
        return rotation[(day - self.org.rotation.epoch).days % len(rotation)]

    def rotation_on(self, unit: str, day: date) -> tuple[str, ...]:
        """The rotation list in force on duty date ``day``."""
        chosen = self.rotations.get(unit, ())
        for period in self.rotation_periods.get(unit, ()):
            if period.start is None or period.start <= day:
                chosen = period.people
        return chosen

    def next_handover(self, at: datetime) -> datetime:
        """When the duty day after the one under way at ``at`` starts (Beijing time)."""
        day = self.duty_date(at) + timedelta(days=1)
        return datetime.combine(day, self.org.rotation.handover, to_local(at).tzinfo)

    def duty_units(self, person_id: str, at: datetime) -> tuple[str, ...]:
        """The teams and departments ``person_id`` is the person on duty for at ``at``."""
        return tuple(unit for unit in self.rotations if self.on_duty(unit, at) == person_id)

    # --- availability ---------------------------------------------------------------------------

    def reachable_why_not(self, person_id: str, at: datetime) -> str | None:
        """As the roster view shows a person: the one on duty is reachable for the whole duty
        day (night included), as routing treats them; anyone else by their shift."""
        on_duty = bool(self.duty_units(person_id, at))
        return self.unavailable_because(person_id, at, on_duty=on_duty)

    def unavailable_because(
        self, person_id: str, at: datetime, on_duty: bool = False
    ) -> str | None:
        """Why ``person_id`` cannot take an order at ``at``; None when they can.

        ``on_duty``: they are asked as the person on duty, so their shift is the duty day.
        """
        for override in reversed(self.overrides):
            if override.person == person_id and override.from_ <= at < override.to:
                if override.available:
                    return None
                why = f"：{override.reason}" if override.reason else ""
                return f"{person_id} unavailable until {_hm(override.to)}{why}"
        day = to_local(at).date()
        for leave in self.leave:
            if leave.person == person_id and leave.from_ <= day <= leave.to:
                return f"{person_id} on leave until {leave.to:%m-%d}"
        person = self.org.person(person_id)
        if person is None:
            return f"{person_id} is not in the organisation"
        if on_duty or person.role == "head":
            return None
        shift_name = person.shift or DEFAULT_WORKER_SHIFT
        shift = self.org.shifts.get(shift_name)
        if shift is None:
            return None  # no shift defined: reachable around the clock
        if not covers(shift, at, self.calendar):
            return f"{person_id} off shift ({shift_name} {shift.start:%H:%M}–{shift.end:%H:%M})"
        return None


def covers(shift: Shift, at: datetime, calendar: WorkCalendar) -> bool:
    """Whether ``at`` (any timezone) falls inside the shift, in Beijing time. A shift that ends
    before it starts runs past midnight and belongs to the day it started on."""
    local = to_local(at)
    clock = local.time().replace(tzinfo=None)

    def day_counts(day: date) -> bool:
        return shift.days == "all" or calendar.is_working_day(day)

    if shift.start < shift.end:
        return shift.start <= clock < shift.end and day_counts(local.date())
    if clock >= shift.start:
        return day_counts(local.date())
    if clock < shift.end:
        return day_counts(local.date() - timedelta(days=1))
    return False


def default_rotations(org: Organisation) -> dict[str, tuple[str, ...]]:
    """Each team's list; a department without its own list takes its teams' lists in turn."""
    rotations: dict[str, tuple[str, ...]] = {t.code: t.on_duty_rotation for t in org.teams}
    for d in org.departments:
        if d.on_duty_rotation:
            rotations[d.code] = d.on_duty_rotation
        else:
            rotations[d.code] = tuple(p for t in org.teams_of(d.code) for p in t.on_duty_rotation)
    return rotations


def rotation_change(
    roster: Roster, unit: str, people: Sequence[str], now: datetime, immediate: bool
) -> list[dict[str, Any]]:
    """The periods to store for a new rotation list of ``unit`` edited at ``now``: from the next
    duty day, the list in force today kept until then; or, 立即生效, from the day under way."""
    if immediate:
        return [{"from": None, "people": list(people)}]
    today = roster.duty_date(now)
    return [
        {"from": None, "people": list(roster.rotation_on(unit, today))},
        {"from": (today + timedelta(days=1)).isoformat(), "people": list(people)},
    ]


def deferred_overrides(
    items: Sequence[dict[str, Any]], standing: Sequence[dict[str, Any]], starts: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Overrides saved without 立即生效: each new one (not among ``standing``) starts no earlier
    than ``starts``, the next handover. Answers the items to store, and the new ones that would
    be over by then (the head must choose 立即生效 for those)."""
    kept, too_soon = [], []
    for item in items:
        override = Override.model_validate(item)
        if item in standing or override.from_ >= starts:
            kept.append(item)
        elif override.to <= starts:
            too_soon.append(item)
        else:
            kept.append({**item, "from": starts.isoformat()})
    return kept, too_soon


def with_rotation(roster: Roster, unit: str, periods: Sequence[Any]) -> Roster:
    """``roster`` with ``unit``'s rotation replaced by stored ``periods`` (or a bare list, as
    stored before rotations had periods)."""
    parsed = _periods(periods)
    return replace(
        roster,
        rotations={**roster.rotations, unit: parsed[-1].people if parsed else ()},
        rotation_periods={**roster.rotation_periods, unit: parsed},
    )


def _periods(items: Sequence[Any]) -> tuple[RotationPeriod, ...]:
    if all(isinstance(i, str) for i in items):
        return (RotationPeriod(None, tuple(items)),)
    return tuple(
        RotationPeriod(
            date.fromisoformat(i["from"]) if i.get("from") else None,
            tuple(str(p) for p in i["people"]),
        )
        for i in items
    )


def _hm(when: datetime) -> str:
    return f"{to_local(when):%m-%d %H:%M}"


ROSTER_KINDS = ("leave", "overrides", "swaps", "rotation")


def with_changes(base: Roster, changes: Sequence[tuple[str, str, Sequence[Any]]]) -> Roster:
    """The roster with changes made over HTTP: each (kind, subject, items) replaces the file's
    items of that kind for that person (leave, overrides) or unit (swaps, rotation)."""
    leave: dict[str, list[Leave]] = {}
    for lv in base.leave:
        leave.setdefault(lv.person, []).append(lv)
    overrides: dict[str, list[Override]] = {}
    for ov in base.overrides:
        overrides.setdefault(ov.person, []).append(ov)
    swaps: dict[str, list[DutySwap]] = {}
    for sw in base.swaps:
        swaps.setdefault(sw.unit, []).append(sw)
    rotated: list[tuple[str, Sequence[Any]]] = []
    for kind, subject, items in changes:
        if kind == "leave":
            leave[subject] = [Leave.model_validate(i) for i in items]
        elif kind == "overrides":
            overrides[subject] = [Override.model_validate(i) for i in items]
        elif kind == "swaps":
            swaps[subject] = [DutySwap.model_validate(i) for i in items]
        elif kind == "rotation":
            rotated.append((subject, items))
    roster = replace(
        base,
        leave=tuple(x for xs in leave.values() for x in xs),
        overrides=tuple(x for xs in overrides.values() for x in xs),
        swaps=tuple(x for xs in swaps.values() for x in xs),
    )
    for unit, periods in rotated:
        roster = with_rotation(roster, unit, periods)
    return roster


Changes = tuple[tuple[str, str, str], ...]
"""The changes made over HTTP as read: (kind, subject, items as JSON text) per entry."""


class RosterBook:
    """The roster for the changes last read, built again only when the changes read differ.

    The file and the calendar are fixed for the process; the changes are read by each caller in
    its own transaction and compared whole (their stored JSON text), so the roster answered is
    always the one that read gives, whichever process made the changes.
    """

    def __init__(self) -> None:
        self._last: tuple[Organisation, WorkCalendar, Changes, Roster] | None = None

    def roster(self, org: Organisation, calendar: WorkCalendar, changes: Changes) -> Roster:
        last = self._last
        if last is not None and last[0] is org and last[1] is calendar and last[2] == changes:
            return last[3]
        parsed = [(kind, subject, json.loads(items)) for kind, subject, items in changes]
        roster = with_changes(Roster.from_org(org, calendar), parsed)
        self._last = (org, calendar, changes, roster)
        return roster
