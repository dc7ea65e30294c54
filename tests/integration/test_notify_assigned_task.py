"""A task the head assigns (交办任务, Art. 18(一)7) reaches its worker (issue 23), through the real
broker on both databases: scoring announces it on gridline.activity, notify tells the worker by the
``assigned_task`` rule (the local receiver, no credentials) and lists it on /v1/messages."""

from datetime import timedelta

import pytest

from shared.clock import ManualClock
from tests.integration.test_outreach_flow import WEDNESDAY_10
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPS = token("ops", "P-0410")
HEAD = token("head:USER_MAINTENANCE", "P-0200")


async def test_an_assigned_task_produces_one_message_to_its_worker(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    only = ("scoring", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        assert system.notify is not None
        given = await system.scoring.post(
            "/v1/tasks",
            json={
                "title": "迎峰度夏管网巡查",
                "done_when": "网格内阀门井全部巡查完毕并上传照片",
                "deadline": (WEDNESDAY_10 + timedelta(days=2)).isoformat(),
                "worker_ids": ["W-0301"],
            },
            headers=HEAD,
        )
        assert given.status_code == 201, given.text
        task_id = given.json()["task_id"]

        async def worker_told() -> list[dict[str, str]]:
            assert system.notify is not None
            page = await system.notify.get("/v1/messages?person=W-0301", headers=OPS)
            assert page.status_code == 200, page.text
            found = [m for m in page.json()["items"] if task_id in m["text"]]
            assert len(found) == 1
            return found

        (message,) = await eventually(worker_told)
        assert message["title"] == "【交办任务】请按时完成"
        assert "迎峰度夏管网巡查" in message["text"] and "完成标准" in message["text"]
