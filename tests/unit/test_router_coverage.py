"""Coverage readiness, pure: a week ahead, what would leave an order with nobody to take it."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from services.router.domain.coverage import (
    DUTY_GAP,
    GRID_UNCOVERED,
    HEAD_NO_STAND_IN,
    NO_CONTACT,
    findings,
)
from services.router.domain.roster import Roster
from shared.clock import LOCAL_TZ
from shared.config import load_yaml
from shared.organisation import DutySwap, Leave, Organisation, Override
from shared.paths import CONFIG_DIR
from shared.workdays import WorkCalendar

ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
CALENDAR = WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml")
# Thursday 3 December 2026, 10:00; "next Tuesday" is 8 December.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=LOCAL_TZ)
TUESDAY_22 = datetime(2026, 12, 8, 22, 0, tzinfo=LOCAL_TZ)


def roster(**changes: object) -> Roster:
    return replace(Roster.from_org(ORG, CALENDAR), **changes)  # type: ignore[arg-type]


def team_alone_on_duty(
    base: Roster, at: datetime, department: str = "USER_MAINTENANCE"
) -> tuple[str, str]:
    """A team of ``department`` whose person on duty at ``at`` is not also the department's."""
    for team in ORG.teams_of(department):
        person = base.on_duty(team.code, at)
        if person is not None and person != base.on_duty(team.department, at):
            return team.code, person
    raise AssertionError("every team's duty person is also the department's")


def hole(person: str) -> Override:
    return Override.model_validate(
        {
            "person": person,
            "from": TUESDAY_22,
            "to": TUESDAY_22 + timedelta(hours=3),
            "available": False,
            "reason": "就医",
        }
    )


def leave(person: str, first: date, last: date, stand_in: str | None = None) -> Leave:
    return Leave.model_validate({"person": person, "from": first, "to": last, "stand_in": stand_in})


def test_the_demo_roster_is_ready() -> None:
    assert findings(roster(), NOW) == []


def test_a_three_hour_hole_on_tuesday_night_and_a_grid_with_a_and_b_away_are_exactly_found() -> (
    None
):
    team, person = team_alone_on_duty(roster(), TUESDAY_22)
    # UM-KF-01: A post W-0303, B post W-0304; both take leave on 8 and 9 December.
    away = (
        leave("W-0303", date(2026, 12, 8), date(2026, 12, 9)),
        leave("W-0304", date(2026, 12, 8), date(2026, 12, 9)),
    )
    found = findings(roster(overrides=(hole(person),), leave=away), NOW)
    assert [(f.kind, f.subject, f.start, f.end) for f in found] == [
        (DUTY_GAP, team, TUESDAY_22, TUESDAY_22 + timedelta(hours=3)),
        (
            GRID_UNCOVERED,
            "UM-KF-01",
            datetime(2026, 12, 8, 0, 0, tzinfo=LOCAL_TZ),
            datetime(2026, 12, 10, 0, 0, tzinfo=LOCAL_TZ),
        ),
    ]
    assert "就医" in found[0].detail
    assert found[1].department == "USER_MAINTENANCE"


def test_filling_the_hole_clears_its_finding() -> None:
    team, person = team_alone_on_duty(roster(), TUESDAY_22)
    base = roster(overrides=(hole(person),))
    assert [f.subject for f in findings(base, NOW)] == [team]
    duty_date = date(2026, 12, 8)
    stand_by = next(p for p in base.rotations[team] if p != person)
    swap = DutySwap(unit=team, date=duty_date, person=stand_by, reason="顶班")
    assert findings(replace(base, swaps=(swap,)), NOW) == []


def test_a_hole_beyond_the_week_is_not_yet_a_finding() -> None:
    _, person = team_alone_on_duty(roster(), TUESDAY_22)
    assert findings(roster(overrides=(hole(person),)), NOW + timedelta(days=8)) == []


def test_a_head_on_leave_needs_a_stand_in_who_is_there() -> None:
    head_away = leave("P-0200", date(2026, 12, 7), date(2026, 12, 7))
    found = findings(roster(leave=(head_away,)), NOW)
    assert [(f.kind, f.subject, f.department) for f in found] == [
        (HEAD_NO_STAND_IN, "P-0200", "USER_MAINTENANCE")
    ]
    covered = leave("P-0200", date(2026, 12, 7), date(2026, 12, 7), stand_in="W-0303")
    assert findings(roster(leave=(covered,)), NOW) == []
    both = (covered, leave("W-0303", date(2026, 12, 7), date(2026, 12, 7)))
    assert [f.kind for f in findings(roster(leave=both), NOW)] == [HEAD_NO_STAND_IN]


def test_a_person_on_duty_with_no_phone_and_no_wecom_is_found() -> None:
    _, person = team_alone_on_duty(roster(), TUESDAY_22)
    people = tuple(
        p.model_copy(update={"work_phone": None, "wecom_userid": None}) if p.id == person else p
        for p in ORG.people
    )
    found = findings(Roster.from_org(ORG.model_copy(update={"people": people}), CALENDAR), NOW)
    assert {f.kind for f in found} == {NO_CONTACT}
    assert {f.subject.split(":")[1] for f in found} == {person}
