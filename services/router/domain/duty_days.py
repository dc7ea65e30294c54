"""Who the router has on a team's duty for the duty days ahead, pure (issue 19).

The router alone decides duty: the organisation file's rotation plus every rotation, swap and
leave a head edited over HTTP, applied from the next 08:00 handover unless 立即生效. Each dispatch
names the order's team's people on duty for the duty day under way and the next ``DAYS_AHEAD``
days, so notify wakes the person the router has on duty (for the 转来时已超时 notice and red
cards) and never reads duty from the file, which knows none of those edits. A person on duty
who is away (leave, an override) at the start of a duty day — or now, for the day under way — is
named as nobody: the router's chain would skip them too, and a message must not wake them.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from services.router.domain.roster import Roster
from shared.clock import to_local
from shared.contracts import DutyDay, TeamDutyNamed, TeamDutyNamedPayload
from shared.contracts.envelopes import envelope

if TYPE_CHECKING:
    from services.router.domain.chain import Assignment

DAYS_AHEAD = 7
"""A resolve clock runs about a week: its red card finds its duty day named by the dispatch
itself; any later dispatch for the same team names the days again, edits included."""


def duty_days(
    roster: Roster, unit: str, now: datetime, days: int = DAYS_AHEAD
) -> tuple[DutyDay, ...]:
    first = roster.duty_date(now)
    zone = to_local(now).tzinfo
    out: list[DutyDay] = []
    for ahead in range(days + 1):
        day = first + timedelta(days=ahead)
        starts = datetime.combine(day, roster.org.rotation.handover, zone)
        person = roster.on_duty(unit, starts)
        asked_at = max(starts, now)
        if person and roster.unavailable_because(person, asked_at, on_duty=True) is not None:
            person = None
        out.append(
            DutyDay(duty_date=day, starts=starts, ends=starts + timedelta(days=1), person_id=person)
        )
    return tuple(out)


def with_team_duty(chosen: "Assignment", roster: Roster, now: datetime) -> "Assignment":
    """The assignment with its team's people on duty named, for its dispatch event."""
    if chosen.team is None:
        return chosen
    return replace(chosen, team_duty=duty_days(roster, chosen.team, now))


def team_duty_named(roster: Roster, now: datetime, producer: str) -> TeamDutyNamed:
    """Every team's people on duty as the roster stands after a head's change: told at once, so
    a message is not sent to the person the change took off duty until the team's next dispatch
    names the new one."""
    teams = {t.code: duty_days(roster, t.code, now) for t in roster.org.teams}
    return envelope(TeamDutyNamed, "*", TeamDutyNamedPayload(teams=teams), now, producer)
