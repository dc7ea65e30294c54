"""Working days in China: public holidays *and* make-up working days (调休).

``holidays.China`` knows both for every year the State Council has announced; an override file
adds what it does not know yet or gets wrong. A year neither knows is an operator-visible warning
(the plain weekday rule is used meanwhile), never a crash.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict

from shared.config import load_yaml
from shared.logging import get_logger

log = get_logger(__name__)
LOCAL = ZoneInfo("Asia/Shanghai")


class NamedDay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: date
    name: str = ""


class CalendarOverrides(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    known_years: tuple[int, ...] = ()
    holidays: tuple[NamedDay, ...] = ()
    workdays: tuple[NamedDay, ...] = ()


@lru_cache(maxsize=64)
def _library_year(year: int) -> "holidays.HolidayBase":
    return holidays.country_holidays("CN", years=year)


class WorkCalendar:
    """Answers "is this a working day?" for Beijing dates, and counts working days."""

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self._overrides = overrides or CalendarOverrides()
        self._extra_holidays = {d.date for d in self._overrides.holidays}
        self._extra_workdays = {d.date for d in self._overrides.workdays}
        self._warned: set[int] = set()
        # Asked for every date a deadline counts over; the answers are fixed for the process.
        self._known: dict[int, bool] = {}
        self._working: dict[date, bool] = {}
        # The library's country registry loads on its first question (~0.2 s of CPU): at start,
        # not in the first order's dispatch.
        _library_year(datetime.now(LOCAL).year)

    @classmethod
    def from_file(cls, path: Path) -> "WorkCalendar":
        return cls(load_yaml(path, CalendarOverrides))

    def year_is_known(self, year: int) -> bool:
        known = self._known.get(year)
        if known is None:
            known = self._known[year] = self._year_is_known(year)
        return known

    def _year_is_known(self, year: int) -> bool:
        if year in self._overrides.known_years:
            return True
        # An announced Chinese year always has make-up working days; without any, the library
        # is guessing from fixed rules (Spring Festival moves, its 调休 are unknowable).
        library = _library_year(year)
        return any(d.year == year for d in getattr(library, "weekend_workdays", ()))

    def unknown_years(self, years: range | list[int]) -> list[int]:
        return [y for y in years if not self.year_is_known(y)]

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = self._is_working_day(day)
        return working

    def _is_working_day(self, day: date) -> bool:
        if day in self._extra_workdays:
            return True
        if day in self._extra_holidays:
            return False
        if not self.year_is_known(day.year) and day.year not in self._warned:
            self._warned.add(day.year)
            log.warning(
                "calendar_year_unknown",
                year=day.year,
                action="weekdays count as working days until config/calendar_overrides.yaml "
                "or a newer holidays release has this year's notice",
            )
        return bool(_library_year(day.year).is_working_day(day))

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same Beijing clock time ``days`` working days later. Started on a day off, the
        count starts at midnight of the next working day (a Saturday order has all of Monday)."""
        local = start.astimezone(LOCAL)
        day = local.date()
        clock = local.timetz()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
            clock = time(0, 0, tzinfo=LOCAL)
        for _ in range(days):
            day = self.next_working_day(day)
        return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=LOCAL)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def subtract_working_days(self, end: datetime, days: int) -> datetime:
        """The same Beijing clock time ``days`` working days earlier (a yellow card "one working
        day before" a deadline). The result is always on a working day."""
        local = end.astimezone(LOCAL)
        day = local.date()
        for _ in range(days):
            day = self.previous_working_day(day)
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LOCAL)
