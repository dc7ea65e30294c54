"""A notice task (通知任务) reaches its worker (issue 19), through the real broker on both
databases: outreach gives each community's responsible worker a task and announces it on
gridline.activity; notify tells the worker by the ``notice_task`` rule (the local receiver, no
credentials) and lists the message on /v1/messages."""

import pytest

from shared.clock import ManualClock
from tests.integration.test_outreach_flow import (
    OPERATOR,
    REASON,
    TOMORROW_10,
    TOMORROW_16,
    WEDNESDAY_10,
)
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPS = token("ops", "P-0410")


async def test_a_notice_task_produces_a_message_to_its_worker(environment: Environment) -> None:
    clock = ManualClock(WEDNESDAY_10)
    only = ("outreach", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        assert system.outreach is not None and system.notify is not None
        started = await system.outreach.post(
            "/v1/campaigns",
            json={
                "template": "UM_MAINTENANCE_OUTAGE",
                "communities": ["开发区花园"],
                "starts_at": TOMORROW_10.isoformat(),
                "ends_at": TOMORROW_16.isoformat(),
                "reason": REASON,
            },
            headers=OPERATOR,
        )
        assert started.status_code == 201, started.text
        (task,) = started.json()["tasks"]
        assert task["worker_id"] == "W-0303"  # the A post of 开发区花园's grid

        async def worker_told() -> list[str]:
            assert system.notify is not None
            page = await system.notify.get("/v1/messages?person=W-0303", headers=OPS)
            assert page.status_code == 200, page.text
            found = [m["text"] for m in page.json()["items"] if task["task_id"] in m["text"]]
            assert len(found) == 1
            return found

        (text,) = await eventually(worker_told)
        assert "开发区花园" in text and "12月02日 12:00" in text  # the template's 2 h to post
