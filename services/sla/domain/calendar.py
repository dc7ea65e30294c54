"""The local calendar the numbers are counted in: today and this month begin at local
midnight (Beijing time), whatever the server's zone."""

from datetime import datetime

from shared.clock import LOCAL_TZ


def local_day_start(now: datetime) -> datetime:
    local = now.astimezone(LOCAL_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def local_month_start(now: datetime) -> datetime:
    return local_day_start(now).replace(day=1)
