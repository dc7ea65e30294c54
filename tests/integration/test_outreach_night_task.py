"""A notice task given at night is due within its worker's shift (issue 19), through the real
service on both databases: a campaign started at 04:08 gives the A post, whose day shift starts at
08:00, until 10:00 (the template's 2 h to post, from 08:00) — not until 06:08."""

from datetime import datetime

import pytest

from shared.clock import LOCAL_TZ, ManualClock
from tests.integration.test_outreach_flow import OPERATOR, REASON, TOMORROW_10, TOMORROW_16
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

WEDNESDAY_0408 = datetime(2026, 12, 2, 4, 8, tzinfo=LOCAL_TZ)


async def test_a_task_given_at_night_counts_from_the_workers_shift(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_0408)
    async with run_system(environment, clocks={"outreach": clock}, only=("outreach",)) as system:
        assert system.outreach is not None
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
        assert task["worker_id"] == "W-0303"  # the A post, on the day shift
        due = datetime.fromisoformat(task["deadline"]).astimezone(LOCAL_TZ)
        assert due == datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
