"""Yellow and red cards, AckOverdue, missed appointments, and fair clocks — pure decisions."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.sla import domain
from shared.contracts import AckOverdue, AppointmentMissed, SlaBreached, SlaWarning
from shared.workdays import WorkCalendar

BJ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
WARN = domain.Warning(share=0.8, working_days_before=1)


def bj(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BJ)


@pytest.mark.parametrize(
    ("start", "due", "clock", "warn"),
    [
        # 24-hour clock: at 80 % of the limit.
        (bj("2026-02-14"), bj("2026-02-15"), "24h", bj("2026-02-15", "05:12")),
        (bj("2026-03-02"), bj("2026-03-02", "10:30"), "24h", bj("2026-03-02", "10:24")),
        # Working days: one working day before — over the festival that is the make-up Saturday.
        (bj("2026-02-12"), bj("2026-02-24"), "working_days", bj("2026-02-14")),
        (bj("2026-02-12"), bj("2026-02-26"), "working_days", bj("2026-02-25")),
        # A one-working-day limit has no working day before it: the share applies.
        (bj("2026-02-13"), bj("2026-02-14"), "working_days", bj("2026-02-14", "05:12")),
    ],
)
def test_the_yellow_card_comes_at_the_share_or_one_working_day_before(
    start: datetime, due: datetime, clock: str, warn: datetime
) -> None:
    assert domain.warn_time(start, due, clock, WARN, CAL) == warn


def test_no_yellow_card_for_a_deadline_already_due() -> None:
    assert domain.warn_time(bj("2026-03-02"), bj("2026-03-02"), "24h", WARN, CAL) is None


def due_card(**changes: object) -> domain.DueDeadline:
    base = domain.DueDeadline(
        order_id="GL-1",
        kind="resolve",
        purpose="card",
        due=bj("2026-03-02", "12:00"),
        warn_at=bj("2026-03-02", "11:00"),
        warned=False,
        assignment_id=None,
        department="USER_MAINTENANCE",
        assignee_id="W-0301",
    )
    return domain.DueDeadline(**{**base.__dict__, **changes})


def test_an_order_left_alone_gets_a_yellow_then_a_red_card() -> None:
    first = domain.fired(due_card(), acknowledged=False, now=bj("2026-03-02", "11:00"))
    assert isinstance(first.event, SlaWarning) and not first.done
    assert first.next_at == bj("2026-03-02", "12:00")
    assert first.event.payload.department == "USER_MAINTENANCE"

    second = domain.fired(due_card(warned=True), acknowledged=True, now=bj("2026-03-02", "12:00"))
    assert isinstance(second.event, SlaBreached) and second.done
    payload = second.event.payload
    assert (payload.deadline, payload.department, payload.assignee_id, payload.acknowledged) == (
        "resolve",
        "USER_MAINTENANCE",
        "W-0301",
        True,
    )


def test_a_deadline_passed_while_the_service_was_down_gets_only_its_red_card() -> None:
    late = domain.fired(due_card(), acknowledged=False, now=bj("2026-03-03"))
    assert isinstance(late.event, SlaBreached) and late.done


def test_an_assignment_not_signed_for_in_time_goes_to_the_router_chain() -> None:
    firing = domain.fired(
        due_card(kind="acknowledge", purpose="chain", assignment_id=2, warn_at=None),
        acknowledged=False,
        now=bj("2026-03-02", "12:00"),
    )
    assert isinstance(firing.event, AckOverdue) and firing.event.payload.assignment_id == 2


@pytest.mark.parametrize("explained", [True, False])
def test_a_missed_appointment_says_whether_it_was_explained(explained: bool) -> None:
    firing = domain.fired(
        due_card(kind="appointment", purpose="appointment", warn_at=None, explained=explained),
        acknowledged=True,
        now=bj("2026-03-02", "12:00"),
    )
    assert isinstance(firing.event, AppointmentMissed)
    assert firing.event.payload.explained is explained
    assert firing.event.payload.assignee_id == "W-0301"


@pytest.mark.parametrize(
    ("previous", "new", "now", "pause"),
    [
        # The caller moves 14:00 to 18:00 in the morning: four more hours waiting for them.
        (bj("2026-03-02", "14:00"), bj("2026-03-02", "18:00"), bj("2026-03-02", "09:00"), 4),
        # No earlier appointment: waiting from now.
        (None, bj("2026-03-02", "18:00"), bj("2026-03-02", "09:00"), 9),
        # Moved after the old time had passed: waiting from now.
        (bj("2026-03-02", "08:00"), bj("2026-03-02", "11:00"), bj("2026-03-02", "09:00"), 2),
        # Moved earlier: nothing to pause.
        (bj("2026-03-02", "18:00"), bj("2026-03-02", "14:00"), bj("2026-03-02", "09:00"), 0),
    ],
)
def test_the_resolution_clock_pauses_while_the_order_waits_for_the_caller(
    previous: datetime | None, new: datetime, now: datetime, pause: int
) -> None:
    assert domain.caller_pause(previous, new, now) == timedelta(hours=pause)


def test_a_pause_moves_the_policy_deadline_but_not_the_platforms() -> None:
    start = bj("2026-03-02", "09:00")
    moved = domain.shifted(
        start,
        policy_due=bj("2026-03-03", "09:00"),
        platform_due=bj("2026-03-03", "12:00"),
        pause=timedelta(hours=4),
        clock="24h",
        warned=False,
        warning=WARN,
        calendar=CAL,
    )
    assert (moved.policy_due, moved.due) == (bj("2026-03-03", "13:00"), bj("2026-03-03", "12:00"))
    assert moved.warn_at == start + (moved.due - start) * 0.8


def test_an_extension_replaces_the_deadline_and_earns_a_new_yellow_card() -> None:
    moved = domain.extended(bj("2026-02-12"), bj("2026-03-05"), "working_days", WARN, CAL)
    assert (moved.due, moved.warn_at) == (bj("2026-03-05"), bj("2026-03-04"))


def test_a_deadline_needs_a_policy_or_a_platform_time() -> None:
    with pytest.raises(ValueError):
        domain.governing(None, None)
    assert domain.governing(None, datetime(2026, 3, 2, tzinfo=UTC)) == datetime(
        2026, 3, 2, tzinfo=UTC
    )
