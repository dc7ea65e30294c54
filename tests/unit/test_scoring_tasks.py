"""Assigned tasks (交办任务, Art. 18(一)7): who may give one, when it is late, and its −2 entry."""

from datetime import UTC, datetime, timedelta

import pytest

from services.scoring.config import load_rules
from services.scoring.domain.entries import automatic_entries
from services.scoring.domain.refusals import OtherDepartment
from services.scoring.domain.tasks import (
    Assignment,
    check_assignment,
    is_late,
    may_finish,
    state_of,
)
from shared.contracts import TaskLate, TaskLatePayload
from shared.paths import CONFIG_DIR
from shared.refusals import Invalid

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
NOW = datetime(2026, 9, 10, 3, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=2)
DEPARTMENTS = {"W-1": "MR", "W-2": "MR", "W-9": "UM"}


def test_a_head_gives_a_task_to_their_own_workers_each_once() -> None:
    given = Assignment("head", "MR", ["W-1", "W-2", "W-1"], DEADLINE)
    assert check_assignment(given, DEPARTMENTS, NOW) == ["W-1", "W-2"]


def test_a_head_may_not_give_a_task_to_another_departments_worker() -> None:
    with pytest.raises(OtherDepartment):
        check_assignment(Assignment("head", "MR", ["W-9"], DEADLINE), DEPARTMENTS, NOW)


def test_an_admin_gives_tasks_across_departments() -> None:
    given = Assignment("admin", None, ["W-1", "W-9"], DEADLINE)
    assert check_assignment(given, DEPARTMENTS, NOW) == ["W-1", "W-9"]


@pytest.mark.parametrize(
    ("workers", "deadline", "refusal", "field"),
    [
        ([], DEADLINE, Invalid, "worker_ids"),
        (["W-404"], DEADLINE, Invalid, "worker_ids"),  # named in the body: 422, not 404
        (["W-1"], NOW, Invalid, "deadline"),
    ],
)
def test_a_task_needs_known_workers_and_a_deadline_ahead(
    workers: list[str], deadline: datetime, refusal: type[Exception], field: str
) -> None:
    with pytest.raises(refusal) as caught:
        check_assignment(Assignment("head", "MR", workers, deadline), DEPARTMENTS, NOW)
    assert getattr(caught.value, "field", None) == field


def test_done_at_the_deadline_is_in_time_and_a_minute_after_is_late() -> None:
    assert not is_late(DEADLINE, DEADLINE)
    assert is_late(DEADLINE, DEADLINE + timedelta(minutes=1))
    assert state_of(DEADLINE, None, NOW) == "open"
    assert state_of(DEADLINE, None, DEADLINE + timedelta(seconds=1)) == "late"
    assert state_of(DEADLINE, DEADLINE + timedelta(hours=1), NOW) == "done_late"
    assert state_of(DEADLINE, NOW, NOW) == "done"


def test_who_may_mark_a_task_done() -> None:
    workers = {"W-1": "MR"}
    assert may_finish("department", "W-1", "MR", workers)
    assert not may_finish("department", "W-2", "MR", workers)  # a colleague it was not given to
    assert may_finish("head", "P-1", "MR", workers)
    assert not may_finish("head", "P-2", "UM", workers)
    assert may_finish("admin", "root", None, workers)
    assert not may_finish("ops", "office", None, workers)


def _late(done_at: datetime | None, at: datetime) -> TaskLate:
    payload = TaskLatePayload(task_id="T-1", title="管网巡查", deadline=DEADLINE, done_at=done_at)
    return TaskLate(occurred_at=at, producer="scoring", worker_id="W-1", payload=payload)


def test_a_late_task_is_minus_two_in_the_month_it_was_due_with_the_task_as_its_cause() -> None:
    [entry] = automatic_entries(_late(None, DEADLINE + timedelta(minutes=1)), BOOK)
    assert (entry.worker_id, entry.rule, entry.points, entry.source) == (
        "W-1",
        "TASK_LATE",
        -2,
        "event",
    )
    assert (entry.month, entry.event_type, entry.evidence) == (
        "2026-09",
        "TaskLate",
        "交办任务 T-1",
    )
    assert "管网巡查" in entry.reason and "逾期未完成" in entry.reason


def test_late_when_done_and_late_when_the_deadline_passed_are_one_entry() -> None:
    # Two events for the same task and worker (the sweep's and a late done) write one entry id.
    passed = automatic_entries(_late(None, DEADLINE + timedelta(minutes=1)), BOOK)
    done = automatic_entries(
        _late(DEADLINE + timedelta(hours=3), DEADLINE + timedelta(hours=3)), BOOK
    )
    assert passed[0].entry_id == done[0].entry_id
    assert "完成" in done[0].reason
