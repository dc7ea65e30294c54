"""The working-day calendar the SLA clocks run on: make-up days, holidays, the override file,
and a year nobody knows yet (a loud warning, never a crash)."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import structlog

from shared.workdays import CalendarOverrides, NamedDay, WorkCalendar

BJ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 4), True),  # Sunday, make-up working day
        (date(2026, 2, 14), True),  # Saturday, make-up working day
        (date(2026, 2, 15), False),  # Spring Festival …
        (date(2026, 2, 23), False),  # … to its last day
        (date(2026, 2, 24), True),
        (date(2026, 2, 21), False),  # a Saturday inside the festival
    ],
)
def test_holidays_and_make_up_days(day: date, working: bool) -> None:
    assert WorkCalendar().is_working_day(day) is working


def test_one_working_day_before_a_deadline_after_the_festival_is_the_make_up_saturday() -> None:
    due = datetime(2026, 2, 24, 17, 0, tzinfo=BJ)
    assert WorkCalendar().subtract_working_days(due, 1) == datetime(2026, 2, 14, 17, 0, tzinfo=BJ)
    assert WorkCalendar().subtract_working_days(due, 2) == datetime(2026, 2, 13, 17, 0, tzinfo=BJ)


def test_the_override_file_wins_over_the_library(tmp_path: Path) -> None:
    overrides = CalendarOverrides(
        holidays=(NamedDay(date=date(2026, 3, 2), name="停水抢修日"),),
        workdays=(NamedDay(date=date(2026, 3, 7), name="调休"),),
    )
    calendar = WorkCalendar(overrides)
    assert not calendar.is_working_day(date(2026, 3, 2))
    assert calendar.is_working_day(date(2026, 3, 7))
    # Friday 03-06 + 1 working day: the overridden Saturday.
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=BJ)
    assert calendar.add_working_days(friday, 1) == datetime(2026, 3, 7, 10, 0, tzinfo=BJ)


def test_a_year_nobody_knows_is_a_warning_not_a_crash() -> None:
    calendar = WorkCalendar()
    with structlog.testing.capture_logs() as logs:
        due = calendar.add_working_days(datetime(2031, 5, 5, 9, 0, tzinfo=BJ), 5)
    assert due.date() > date(2031, 5, 5)
    assert any(e.get("event") == "calendar_year_unknown" and e.get("year") == 2031 for e in logs)
