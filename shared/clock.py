"""Time is injected: domain code receives ``now`` so tests and replays can move it."""

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when


class StartedClock:
    """Real time, shifted so that it starts at a chosen instant (demos, subprocess tests that
    need a weekday morning whatever the hour they run at)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def started_or_system(start: datetime | None) -> Clock:
    """The clock a service runs on: real time, or (demos and tests) shifted to ``start``."""
    return StartedClock(start) if start is not None else SystemClock()


def to_local(when: datetime) -> datetime:
    return when.astimezone(LOCAL_TZ)


def ensure_aware(when: datetime) -> datetime:
    """Naive times from outside systems are Beijing time; stored times are UTC."""
    if when.tzinfo is None:
        return when.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
    return when.astimezone(UTC)
