"""A rotation edit never wakes the wrong person, pure: saved at night it applies from the next
08:00 handover, and tonight's person on duty stays on duty; only 立即生效 changes tonight."""

from datetime import date, datetime, timedelta

from services.router.domain.roster import (
    Roster,
    deferred_overrides,
    rotation_change,
    with_rotation,
)
from services.router.domain.roster_removals import kept_swaps, removed_until_handover
from shared.clock import LOCAL_TZ
from shared.config import load_yaml
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR
from shared.workdays import WorkCalendar

ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
CALENDAR = WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml")
# 04:09 on Friday 4 December 2026: the duty day under way is Thursday the 3rd's.
NIGHT = datetime(2026, 12, 4, 4, 9, tzinfo=LOCAL_TZ)
UNIT = "UM-T1"


def base() -> Roster:
    return Roster.from_org(ORG, CALENDAR)


def reversed_list(roster: Roster) -> list[str]:
    """The same people in another order, so that tonight's place names someone else."""
    return list(reversed(roster.rotations[UNIT]))


def test_a_rotation_saved_at_night_leaves_tonights_person_on_duty_until_the_handover() -> None:
    roster = base()
    tonight = roster.on_duty(UNIT, NIGHT)
    people = reversed_list(roster)
    periods = rotation_change(roster, UNIT, people, NIGHT, immediate=False)
    after = with_rotation(roster, UNIT, periods)
    assert with_rotation(roster, UNIT, people).on_duty(UNIT, NIGHT) != tonight  # would change
    assert after.on_duty(UNIT, NIGHT) == tonight
    assert after.on_duty(UNIT, datetime(2026, 12, 4, 7, 59, tzinfo=LOCAL_TZ)) == tonight
    # From the 08:00 handover the new list counts, as if it had always been the list.
    handover = datetime(2026, 12, 4, 8, 0, tzinfo=LOCAL_TZ)
    assert roster.next_handover(NIGHT) == handover
    for day in range(3):
        at = handover + timedelta(days=day, hours=1)
        assert after.on_duty(UNIT, at) == with_rotation(roster, UNIT, people).on_duty(UNIT, at)
    assert after.rotations[UNIT] == tuple(people)  # the views show the newest list
    assert after.rotation_on(UNIT, date(2026, 12, 3)) == roster.rotations[UNIT]


def test_immediately_the_new_list_names_tonights_person() -> None:
    roster = base()
    people = reversed_list(roster)
    periods = rotation_change(roster, UNIT, people, NIGHT, immediate=True)
    after = with_rotation(roster, UNIT, periods)
    assert after.on_duty(UNIT, NIGHT) == with_rotation(roster, UNIT, people).on_duty(UNIT, NIGHT)
    assert after.on_duty(UNIT, NIGHT) != roster.on_duty(UNIT, NIGHT)


def test_a_second_edit_before_the_handover_keeps_tonights_list_not_the_pending_one() -> None:
    roster = base()
    tonight = roster.on_duty(UNIT, NIGHT)
    first = with_rotation(
        roster, UNIT, rotation_change(roster, UNIT, reversed_list(roster), NIGHT, False)
    )
    later = NIGHT + timedelta(minutes=30)
    people = [*roster.rotations[UNIT][1:], roster.rotations[UNIT][0]]
    second = with_rotation(first, UNIT, rotation_change(first, UNIT, people, later, False))
    assert second.on_duty(UNIT, later) == tonight


def test_a_list_stored_before_periods_existed_still_reads() -> None:
    roster = base()
    people = reversed_list(roster)
    assert with_rotation(roster, UNIT, people).rotation_on(UNIT, date(2026, 12, 3)) == tuple(people)


def test_an_override_saved_at_night_starts_at_the_handover_and_one_over_by_then_is_refused() -> (
    None
):
    handover = base().next_handover(NIGHT)

    def item(start: datetime, hours: int) -> dict[str, object]:
        return {
            "person": "P-0211",
            "from": start.isoformat(),
            "to": (start + timedelta(hours=hours)).isoformat(),
            "available": False,
            "reason": "",
        }

    standing = item(NIGHT - timedelta(hours=2), 3)  # already in force: left alone
    across = item(NIGHT, 12)  # from now until 16:09: waits for 08:00
    tonight_only = item(NIGHT, 2)  # over by 06:09: 立即生效 or nothing
    tomorrow = item(handover + timedelta(days=1), 4)
    kept, too_soon = deferred_overrides(
        [standing, across, tonight_only, tomorrow], [standing], handover
    )
    assert kept == [standing, {**across, "from": handover.isoformat()}, tomorrow]
    assert too_soon == [tonight_only]


def test_an_override_in_force_removed_at_night_stays_until_the_0800_handover() -> None:
    handover = datetime(2026, 12, 4, 8, 0, tzinfo=LOCAL_TZ)

    def item(start: datetime, hours: int) -> dict[str, object]:
        return {
            "person": "W-0301",
            "from": start.isoformat(),
            "to": (start + timedelta(hours=hours)).isoformat(),
            "available": False,
            "reason": "",
        }

    tonight = item(NIGHT - timedelta(hours=2), 12)  # in force, runs to 14:09
    ending = item(NIGHT - timedelta(hours=2), 3)  # in force, over by 05:09 anyway
    later = item(handover + timedelta(days=1), 4)  # not begun: removed at once
    past = item(NIGHT - timedelta(days=2), 2)
    kept = removed_until_handover([], [tonight, ending, later, past], handover, NIGHT)
    assert kept == [{**tonight, "to": handover.isoformat()}, ending]
    assert removed_until_handover([tonight], [tonight], handover, NIGHT) == []  # not removed


def test_the_swap_of_the_duty_day_under_way_stays_when_removed_at_night() -> None:
    thursday = {"unit": UNIT, "date": "2026-12-03", "person": "W-0302", "reason": ""}
    saturday = {"unit": UNIT, "date": "2026-12-05", "person": "W-0301", "reason": ""}
    duty_day = base().duty_date(NIGHT)  # Thursday the 3rd's, until 08:00
    assert kept_swaps([], [thursday, saturday], duty_day) == [thursday]
    named = {**thursday, "person": "W-0301"}  # the head names tonight's person: as given
    assert kept_swaps([named], [thursday], duty_day) == [named]
