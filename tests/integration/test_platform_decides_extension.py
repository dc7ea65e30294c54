"""For a 12345 order our 延期 is the platform's to decide (issue 20): its extension_decision,
through the real broker on both databases, settles the router's pending request as the head's
decision would — approved, the 办结时限 moves; refused, it stays — and the order's timeline
says 12345 decided."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    A_POST,
    ORDER_DAY_0930,
    followup,
    post,
    view,
)
from tests.integration.test_urge_rises import placed
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system

pytestmark = pytest.mark.integration


async def routing(system: System, order_id: str) -> dict[str, Any]:
    answer = await system.router.get(f"/v1/orders/{order_id}", headers=A_POST)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


@pytest.mark.parametrize("approved", [True, False], ids=["approved", "refused"])
async def test_the_platforms_answer_settles_our_extension_request(
    environment: Environment, order_12345: dict[str, Any], approved: bool
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        order_id = await placed(system, order_12345)
        signed = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
        assert signed.status_code == 200, signed.text
        ask = {"extra_working_days": 2, "reason": "需停水施工，等待审批"}
        asked = await system.router.post(
            f"/v1/orders/{order_id}/extension", json=ask, headers=A_POST
        )
        assert asked.status_code == 200, asked.text
        before = await routing(system, order_id)
        assert before["extension_request"] is not None

        body = followup("extension_decision.json", approved=approved)
        answered = await post(system.intake, order_12345["orderNo"], body)
        assert answered.json()["events"] == ["PlatformDecided"], answered.text

        async def settled() -> dict[str, Any]:
            now = await routing(system, order_id)
            assert now["extension_request"] is None, now
            return now

        after = await eventually(settled)
        if approved:
            assert after["deadline"] > before["deadline"]
            assert after["extension_days"] == 2
        else:
            assert (after["deadline"], after["extension_days"]) == (before["deadline"], 0)

        line = "延期批准（12345 平台）" if approved else "延期驳回（12345 平台）"

        async def the_timeline_says_12345_decided() -> None:
            summaries = [e["summary"] for e in (await view(system, order_id))["timeline"]]
            assert any(s.startswith(line) for s in summaries), summaries

        await eventually(the_timeline_says_12345_decided)
