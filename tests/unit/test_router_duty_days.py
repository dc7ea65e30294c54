"""The people the router names on a team's duty on each dispatch (issue 19), pure: the roster
as the router has it — a head's swap, a rotation edited from the next handover, leave — not
the organisation file's rotation alone, which is all notify could read before."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.router.domain import chain
from services.router.domain.duty_days import DAYS_AHEAD, duty_days, with_team_duty
from services.router.domain.roster import Roster, with_rotation
from shared.config import load_yaml
from shared.organisation import DutySwap, Leave, Organisation
from shared.paths import CONFIG_DIR
from shared.workdays import WorkCalendar

BJ = ZoneInfo("Asia/Shanghai")
ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
CALENDAR = WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml")
BASE = Roster.from_org(ORG, CALENDAR)
THURSDAY_03 = datetime(2026, 12, 3, 3, 0, tzinfo=BJ)  # still Wednesday's duty day
WEDNESDAY = date(2026, 12, 2)


def test_the_days_start_with_the_duty_day_under_way_at_each_handover() -> None:
    days = duty_days(BASE, "UM-T1", THURSDAY_03)
    assert len(days) == DAYS_AHEAD + 1
    assert days[0].duty_date == WEDNESDAY
    assert days[0].starts == datetime(2026, 12, 2, 8, 0, tzinfo=BJ)
    assert days[0].ends == days[1].starts == datetime(2026, 12, 3, 8, 0, tzinfo=BJ)
    assert [d.person_id for d in days] == [BASE.on_duty("UM-T1", d.starts) for d in days]


def test_a_swap_names_the_swapped_in_person_not_the_files() -> None:
    files = BASE.on_duty("UM-T1", THURSDAY_03)
    other = next(p for p in ("P-0210", "P-0211", "P-0212") if p != files)
    swap = DutySwap.model_validate({"unit": "UM-T1", "date": WEDNESDAY, "person": other})
    days = duty_days(replace(BASE, swaps=(swap,)), "UM-T1", THURSDAY_03)
    assert days[0].person_id == other
    assert days[1].person_id == BASE.on_duty("UM-T1", days[1].starts)


def test_a_rotation_edited_from_the_next_handover_is_named_from_that_day() -> None:
    periods = [
        {"from": None, "people": ["P-0210", "P-0211", "P-0212"]},
        {"from": "2026-12-03", "people": ["P-0210"]},
    ]
    days = duty_days(with_rotation(BASE, "UM-T1", periods), "UM-T1", THURSDAY_03)
    assert days[0].person_id == BASE.on_duty("UM-T1", THURSDAY_03)
    assert {d.person_id for d in days[1:]} == {"P-0210"}


def test_a_person_on_duty_who_is_on_leave_is_named_as_nobody() -> None:
    files = BASE.on_duty("UM-T1", THURSDAY_03)
    assert files is not None
    away = Leave.model_validate(
        {"person": files, "from": WEDNESDAY, "to": WEDNESDAY + timedelta(days=1), "reason": "病假"}
    )
    days = duty_days(replace(BASE, leave=(away,)), "UM-T1", THURSDAY_03)
    assert days[0].person_id is None


def test_a_dispatch_to_a_grid_names_its_teams_duty_and_triage_names_none() -> None:
    grid = next(g for g in ORG.grids if g.team == "UM-T1")
    chosen = chain.Assignment(
        department="USER_MAINTENANCE",
        grid=grid.code,
        team="UM-T1",
        assignee_id=grid.a_post,
        assignee_name="",
        position="A",
    )
    assert with_team_duty(chosen, BASE, THURSDAY_03).team_duty == duty_days(
        BASE, "UM-T1", THURSDAY_03
    )
    triage = replace(chosen, team=None, grid=None)
    assert with_team_duty(triage, BASE, THURSDAY_03).team_duty == ()
