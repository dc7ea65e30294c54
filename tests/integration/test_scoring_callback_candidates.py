"""A 回访 不满意 is offered to the holder's head as a deduction candidate for Art. 18(一)3 (−2,
未做好件件有回音), never deducted on its own (issue 20): through the real broker on both
databases, a 12345 order resolved by its A post and called back 不满意 shows the head a pending
NO_ECHO candidate naming the holder and the caller's words, nothing in the ledger until the head
confirms it, and −2 once confirmed; another department's head does not see it, and a 满意
callback offers nothing."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    ORDER_DAY_0930,
    dispatches,
    followup,
    post,
    sign_and_resolve,
    view,
)
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
MR_HEAD = token("head:METER_READING", "P-0100")
HOLDER = "W-0301"


async def test_a_dissatisfied_callback_is_a_candidate_the_head_confirms(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "scoring")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        assert system.scoring is not None
        scoring = system.scoring
        created = await system.intake.post(
            "/v1/orders/12345", json=order_12345, headers=token("operator")
        )
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def dispatched() -> None:
            assert [d["assignee_id"] for d in await dispatches(system, order_id)] == [HOLDER]

        await eventually(dispatched)
        await sign_and_resolve(system, order_id, "临时包扎")

        async def resolved() -> None:
            assert (await view(system, order_id))["state"] in ("resolved", "replied")

        await eventually(resolved)
        order_no = order_12345["orderNo"]
        pleased = followup("callback.json", message_id="FU-OK", satisfaction="满意", solved=True)
        assert (await post(system.intake, order_no, pleased)).status_code == 201
        unhappy = await post(system.intake, order_no, followup("callback.json"))
        assert unhappy.json()["events"] == ["CallbackRecorded", "OrderReopened"]

        async def offered() -> dict[str, Any]:
            listed = (await scoring.get("/v1/candidates", headers=UM_HEAD)).json()
            assert len(listed) == 1, listed  # the 满意 callback offered nothing
            return dict(listed[0])

        candidate = await eventually(offered)
        assert (candidate["rule"], candidate["worker_id"], candidate["state"]) == (
            "NO_ECHO",
            HOLDER,
            "pending",
        )
        assert candidate["source_ref"] == order_id
        assert "回访不满意" in candidate["reason"] and "临时包扎" in candidate["reason"]
        assert (await scoring.get("/v1/candidates", headers=MR_HEAD)).json() == []
        ledger = await scoring.get(f"/v1/workers/{HOLDER}/ledger", headers=UM_HEAD)
        assert "NO_ECHO" not in [e["rule"] for e in ledger.json()["entries"]]  # not yet

        confirmed = await scoring.post(
            f"/v1/candidates/{candidate['candidate_id']}/confirm",
            json={"note": "未彻底修复，已核实"},
            headers=UM_HEAD,
        )
        assert confirmed.status_code == 200, confirmed.text
        entries = (await scoring.get(f"/v1/workers/{HOLDER}/ledger", headers=UM_HEAD)).json()
        deducted = [(e["rule"], e["points"]) for e in entries["entries"] if e["points"] < 0]
        assert deducted == [("NO_ECHO", -2)]
