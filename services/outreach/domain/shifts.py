"""When a notice task's clock starts: the worker's own shift (issue 19).

A task given at 04:08 to an A post whose day shift starts at 08:00 was due at 06:08, while its
worker slept; its time to post now counts from the start of the worker's next shift. A task given
on shift counts from now. A shift that crosses midnight (17:30–08:00) is on from its start to the
next morning's end; ``days: workdays`` asks the work calendar whether a day is worked."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from shared.clock import LOCAL_TZ, to_local
from shared.organisation import Shift

WorkingDay = Callable[[date], bool]
LOOK_AHEAD_DAYS = 31  # a longer run of days off than any calendar has


def _starts_on(shift: Shift, day: date, working: WorkingDay) -> bool:
    return shift.days == "all" or working(day)


def _window(shift: Shift, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, shift.start, LOCAL_TZ)
    end_day = day + timedelta(days=1) if shift.end <= shift.start else day
    return start, datetime.combine(end_day, shift.end, LOCAL_TZ)


def on_shift_from(now: datetime, shift: Shift, working: WorkingDay) -> datetime:
    """``now`` if the shift is on, else when it next starts (Beijing time, as aware datetimes)."""
    today = to_local(now).date()
    for offset in range(-1, LOOK_AHEAD_DAYS):
        day = today + timedelta(days=offset)
        if not _starts_on(shift, day, working):
            continue
        start, end = _window(shift, day)
        if start <= now < end:
            return now
        if start > now:
            return start
    return now  # no shift found ahead: count from now rather than never
