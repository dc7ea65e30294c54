"""Assigned tasks (交办任务, Art. 18(一)7) through the real broker and databases: a task done late
costs each of its workers −2 once, in time costs nothing, and a deadline passing open is found by
the sweep; the entry names the task in the worker's ledger.

Scoring runs on a manual clock, moved by the test; the sweep's interval is real time.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.clock import ManualClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

T0 = datetime(2026, 9, 7, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
MONTH = "2026-09"
MR_HEAD = token("head:METER_READING", "P-0100")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
OFFICE = token("ops", "office")


def _worker(worker_id: str) -> dict[str, str]:
    return token("department:METER_READING", worker_id)


def _task(title: str, workers: list[str], deadline: datetime) -> dict[str, Any]:
    return {
        "title": title,
        "done_when": "网格内阀门井全部巡查并上传照片",
        "deadline": deadline.isoformat(),
        "worker_ids": workers,
    }


async def _late_entries(client: httpx.AsyncClient, worker_id: str) -> list[dict[str, Any]]:
    answer = await client.get(
        f"/v1/workers/{worker_id}/ledger", params={"month": MONTH}, headers=OFFICE
    )
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["entries"] if e["rule"] == "TASK_LATE"]


async def test_a_task_done_late_costs_two_points_once_and_one_done_in_time_nothing(
    environment: Environment,
) -> None:
    clock = ManualClock(T0)
    # The sweep's rounds an hour apart: lateness here comes from the late done alone.
    slow = {"scoring": {"task_sweep_seconds": 3600}}
    async with run_system(
        environment, only=("scoring",), clocks={"scoring": clock}, overrides=slow
    ) as system:
        client = system.scoring
        refused = await client.post(
            "/v1/tasks", json=_task("巡查", ["W-0101"], T0 + timedelta(hours=1)), headers=UM_HEAD
        )
        assert refused.status_code == 403, refused.text
        late = await client.post(
            "/v1/tasks",
            json=_task("迎峰度夏巡查", ["W-0101"], T0 + timedelta(hours=1)),
            headers=MR_HEAD,
        )
        assert late.status_code == 201, late.text
        assert late.json()["state_label"] == "进行中"
        in_time = await client.post(
            "/v1/tasks",
            json=_task("水表普查", ["W-0102"], T0 + timedelta(hours=2)),
            headers=MR_HEAD,
        )
        assert in_time.status_code == 201, in_time.text

        # A worker sees their own tasks only, and may not finish a colleague's.
        mine = (await client.get("/v1/tasks", headers=_worker("W-0102"))).json()
        assert [t["task_id"] for t in mine] == [in_time.json()["task_id"]]
        other = await client.post(
            f"/v1/tasks/{late.json()['task_id']}/done", headers=_worker("W-0102")
        )
        assert other.status_code == 404, other.text

        clock.advance(timedelta(minutes=30))
        done = await client.post(
            f"/v1/tasks/{in_time.json()['task_id']}/done", headers=_worker("W-0102")
        )
        assert (done.status_code, done.json()["state"]) == (200, "done"), done.text

        clock.advance(timedelta(hours=1))  # the first task's deadline has passed
        finished = await client.post(
            f"/v1/tasks/{late.json()['task_id']}/done",
            json={"note": "已全部巡查"},
            headers=_worker("W-0101"),
        )
        assert (finished.status_code, finished.json()["state"]) == (200, "done_late")
        again = await client.post(f"/v1/tasks/{late.json()['task_id']}/done", headers=MR_HEAD)
        assert again.status_code == 200, again.text
        assert again.json()["done_at"] == finished.json()["done_at"]  # the first done stands

        [entry] = await _late_entries(client, "W-0101")
        assert (entry["points"], entry["source"], entry["event_type"]) == (-2, "event", "TaskLate")
        assert entry["evidence"] == f"交办任务 {late.json()['task_id']}"
        assert "迎峰度夏巡查" in entry["reason"]
        assert await _late_entries(client, "W-0102") == []
        scores = (await client.get(f"/v1/scores/{MONTH}", headers=OFFICE)).json()
        row = next(r for r in scores["workers"] if r["worker_id"] == "W-0101")
        assert row["deductions"] == -2


async def test_a_deadline_passing_with_the_task_open_is_found_by_the_sweep(
    environment: Environment,
) -> None:
    clock = ManualClock(T0)
    fast = {"scoring": {"task_sweep_seconds": 0.05}}
    async with run_system(
        environment, only=("scoring",), clocks={"scoring": clock}, overrides=fast
    ) as system:
        client = system.scoring
        deadline = T0 + timedelta(hours=1)
        open_task = await client.post(
            "/v1/tasks", json=_task("管网巡查", ["W-0103"], deadline), headers=MR_HEAD
        )
        done_task = await client.post(
            "/v1/tasks", json=_task("管网巡查", ["W-0104"], deadline), headers=MR_HEAD
        )
        assert (open_task.status_code, done_task.status_code) == (201, 201)
        finished = await client.post(
            f"/v1/tasks/{done_task.json()['task_id']}/done", headers=_worker("W-0104")
        )
        assert finished.json()["state"] == "done"

        clock.advance(timedelta(hours=2))

        async def raised() -> list[dict[str, Any]]:
            entries = await _late_entries(client, "W-0103")
            assert len(entries) == 1
            return entries

        [entry] = await eventually(raised)
        assert "逾期未完成" in entry["reason"]
        # The round that found the open task looked at the one done in time too.
        assert await _late_entries(client, "W-0104") == []
        listed = (await client.get("/v1/tasks", headers=MR_HEAD)).json()
        states = {t["task_id"]: t["state"] for t in listed}
        assert states[open_task.json()["task_id"]] == "late"

        # Done after the sweep raised it: still the one entry.
        late_done = await client.post(
            f"/v1/tasks/{open_task.json()['task_id']}/done", headers=MR_HEAD
        )
        assert late_done.json()["state"] == "done_late"
        assert [e["entry_id"] for e in await _late_entries(client, "W-0103")] == [entry["entry_id"]]
