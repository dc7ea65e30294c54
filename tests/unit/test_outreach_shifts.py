"""A notice task's clock starts with its worker's shift (issue 19): a task given at 04:08 to a
day-shift worker counts from 08:00, not from when he was asleep."""

from datetime import date, datetime, time

import pytest

from services.outreach.domain.shifts import on_shift_from
from shared.clock import LOCAL_TZ
from shared.organisation import Shift

DAY = Shift(start=time(8, 0), end=time(17, 30), days="workdays")
NIGHT = Shift(start=time(17, 30), end=time(8, 0), days="all")


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LOCAL_TZ)  # 2026-12-07 is a Monday


@pytest.mark.parametrize(
    ("shift", "now", "starts"),
    [
        (DAY, at(8, 4, 8), at(8, 8)),  # Tuesday 04:08: from 08:00 the same morning
        (DAY, at(8, 10), at(8, 10)),  # on shift: from now
        (DAY, at(8, 18), at(9, 8)),  # after the shift: the next working morning
        (DAY, at(12, 10), at(14, 8)),  # Saturday: Monday 08:00
        (NIGHT, at(8, 4, 8), at(8, 4, 8)),  # on since 17:30 the evening before
        (NIGHT, at(8, 12), at(8, 17, 30)),  # by day: from the evening
    ],
)
def test_the_clock_starts_when_the_workers_shift_is_on(
    shift: Shift, now: datetime, starts: datetime
) -> None:
    assert on_shift_from(now, shift, weekdays) == starts
