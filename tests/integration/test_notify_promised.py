"""约定答复时间 (Art. 14) through the real broker on both databases: the holder records the time
told to the caller on the router, the SLA keeps it as a clock, and before it falls due notify
tells the holder by the yellow card's rule in config/notify.yaml."""

from datetime import timedelta
from typing import Any

import pytest

from shared.clock import Clock, ManualClock
from tests.integration.test_followup_flow import A_POST, OPERATOR, ORDER_DAY_0930
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPS = token("ops", "P-0410")
HOLDER = "W-0301"
DEPT = token("department:USER_MAINTENANCE")


async def test_the_holder_is_told_before_the_promised_answer_time(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    sla_clock = ManualClock(ORDER_DAY_0930)
    running = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "sla", "notify")
    clocks: dict[str, Clock] = {"intake": running, "router": running, "notify": running}
    clocks["sla"] = sla_clock
    async with run_system(environment, clocks=clocks, only=only) as system:
        assert system.notify is not None
        created = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def signed() -> None:
            answer = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
            assert answer.status_code == 200, answer.text

        await eventually(signed)
        on_site = {"note": "已到场查看", "arrived_on_site": True}
        arrived = await system.router.post(
            f"/v1/orders/{order_id}/progress", json=on_site, headers=A_POST
        )
        assert arrived.status_code == 200, arrived.text

        # Promised for 11:30: two hours from the holder's 09:30, a yellow card at 80 %.
        promised_at = ORDER_DAY_0930 + timedelta(hours=2)
        past = await system.router.post(
            f"/v1/orders/{order_id}/promise",
            json={"promised_at": (ORDER_DAY_0930 - timedelta(hours=1)).isoformat()},
            headers=A_POST,
        )
        assert (past.status_code, past.json()["field"]) == (422, "promised_at")
        assert "约定答复时间" in past.json()["detail"]
        body = {"promised_at": promised_at.isoformat(), "note": "已告知来电人中午前答复"}
        answer = await system.router.post(
            f"/v1/orders/{order_id}/promise", json=body, headers=A_POST
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["events"] == ["AnswerPromised"]

        async def clock_open() -> None:
            detail = await system.sla.get(f"/v1/sla/orders/{order_id}", headers=DEPT)
            # 404 until the SLA service has read the order: wait, do not fail.
            assert detail.status_code == 200, detail.text
            kinds = {(d["kind"], d["state"]) for d in detail.json()["deadlines"]}
            assert ("promise", "open") in kinds, kinds

        await eventually(clock_open)
        sla_clock.set(ORDER_DAY_0930 + timedelta(hours=1, minutes=40))

        notify = system.notify

        async def holder_told() -> list[str]:
            page = await notify.get(
                f"/v1/messages?order_id={order_id}&person={HOLDER}", headers=OPS
            )
            said = [str(m["text"]) for m in page.json()["items"]]
            assert any("承诺答复时限" in t and "11:30" in t for t in said), said
            return said

        said = await eventually(holder_told)
        assert not any("办结时限" in t for t in said)  # only the promise was near
