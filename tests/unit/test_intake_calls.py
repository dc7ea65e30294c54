"""The hotline's call rules, pure: whose number, missed or not, when the 回拨 is due, and what a
logged try does to the task."""

from datetime import datetime, time

import pytest

from services.intake.domain.calls import (
    WorkingHours,
    after_try,
    callback_due,
    is_missed,
    national,
)

HOURS = WorkingHours(time(8, 0), time(20, 0))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13906351234", "13906351234"),
        ("+86 139 0635 1234", "13906351234"),
        ("013906351234", "13906351234"),  # the trunk's 0 in front of a mobile
        ("0635-8212345", "06358212345"),
        ("+86 635 8212345", "06358212345"),
        ("anonymous", None),
    ],
)
def test_a_pbx_number_is_stored_as_intake_stores_a_callers(given: str, stored: str | None) -> None:
    assert national(given) == stored


@pytest.mark.parametrize(
    ("direction", "answered", "cause", "queue", "missed"),
    [
        ("in", False, "cancel", None, True),
        ("in", False, "noAnswer", "hotline", True),
        ("in", True, "normalClearing", None, False),
        ("in", True, "cancel", "hotline", True),  # abandoned in the queue the PBX 'answered'
        ("in", True, "normalClearing", "hotline", False),
        ("in", False, "forwarded", None, False),  # the next leg is its own call
        ("out", False, "noAnswer", None, False),  # our call they did not take: no task for us
    ],
)
def test_what_counts_as_a_missed_call(
    direction: str, answered: bool, cause: str, queue: str | None, missed: bool
) -> None:
    assert is_missed(direction, answered, cause, queue) is missed


@pytest.mark.parametrize(
    ("missed_at", "due_at"),
    [
        ("2026-12-07T10:00:00+08:00", "2026-12-07T10:30:00+08:00"),
        ("2026-12-07T19:50:00+08:00", "2026-12-08T08:20:00+08:00"),  # 10 today, 20 tomorrow
        ("2026-12-07T23:10:00+08:00", "2026-12-08T08:30:00+08:00"),
        ("2026-12-07T02:00:00Z", "2026-12-07T10:30:00+08:00"),  # UTC in, Beijing hours
    ],
)
def test_a_callback_is_due_in_working_minutes(missed_at: str, due_at: str) -> None:
    due = callback_due(datetime.fromisoformat(missed_at), 30, HOURS)
    assert due == datetime.fromisoformat(due_at)


def test_a_try_closes_the_task_when_it_reaches_them_or_is_the_last_allowed() -> None:
    assert after_try(0, True, 3) == "reached"
    assert [after_try(n, False, 3) for n in (1, 2, 3)] == ["open", "open", "unreachable"]
