"""For a 12345 order our 退单 is the platform's to decide (issue 20), mirroring its answer to
our 延期, through the real broker on both databases. A department returns an order that is not
the utility's: the router asks the platform and nothing moves — the holder keeps it, its clocks
run. The platform's return_decision then settles it: approved, the order is 已退单 — back with
the platform, every clock stopped, no reply owed; refused, it stays with its holder, its clocks
going on, and the holder and the head are told."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    A_POST,
    ORDER_DAY_0930,
    followup,
    new_order,
    open_clocks,
    post,
    view,
)
from tests.integration.test_notify_chased import HEAD, HOLDER, told
from tests.integration.test_platform_decides_extension import routing
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

NOT_OURS = {"reason": "属燃气管道漏气，非供水管辖"}


@pytest.mark.parametrize("approved", [True, False], ids=["approved", "refused"])
async def test_the_platforms_answer_settles_our_return_request(
    environment: Environment, order_12345: dict[str, Any], approved: bool
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "sla", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        order_id = await new_order(system, order_12345)
        signed = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
        assert signed.status_code == 200, signed.text
        asked = await system.router.post(
            f"/v1/orders/{order_id}/return", json=NOT_OURS, headers=A_POST
        )
        assert asked.status_code == 200, asked.text
        assert asked.json()["events"] == ["ReturnRequested"]
        pending = await routing(system, order_id)
        assert pending["return_request"]["reason"] == NOT_OURS["reason"]
        assert (pending["state"], pending["assignee_id"]) == ("acknowledged", HOLDER)
        again = await system.router.post(
            f"/v1/orders/{order_id}/return", json=NOT_OURS, headers=A_POST
        )
        assert (again.status_code, again.json()["error"]) == (409, "return_pending")
        clocks_before = {c["kind"] for c in await open_clocks(system, order_id)}
        assert {"resolve", "reply"} <= clocks_before  # the clocks run while it waits

        body = followup("return_decision.json", approved=approved)
        answered = await post(system.intake, order_12345["orderNo"], body)
        assert answered.json()["events"] == ["PlatformDecided"], answered.text

        async def settled() -> dict[str, Any]:
            now = await routing(system, order_id)
            assert now["return_request"] is None, now
            return now

        after = await eventually(settled)
        if approved:
            assert after["state"] == "returned"

            async def every_clock_stopped() -> None:
                assert await open_clocks(system, order_id) == []
                order = await view(system, order_id)
                assert order["state"] == "returned", order["state"]
                lines = [e["summary"] for e in order["timeline"]]
                assert any(s.startswith("已退回 12345 平台") for s in lines), lines

            await eventually(every_clock_stopped)
            assert (await view(system, order_id))["replies"] == []
        else:
            assert (after["state"], after["assignee_id"]) == ("acknowledged", HOLDER)

            async def both_told() -> None:
                people = {d["person_id"] for d in await told(system, order_id, "return_refused")}
                assert people == {HOLDER, HEAD}

            await eventually(both_told)
            assert {c["kind"] for c in await open_clocks(system, order_id)} == clocks_before
            lines = [e["summary"] for e in (await view(system, order_id))["timeline"]]
            assert any(s.startswith("退单未获批准（12345 平台）") for s in lines), lines
