"""The month's rates from the SLA (issue 20), on the real broker and both databases: a resolved
12345 order called back 不满意 counts dissatisfied and redone, its second round's 满意 counts
satisfied, a 催办 is counted, all to the department and the grid that held the order."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    OPERATOR,
    ORDER_DAY_0930,
    dispatches,
    followup,
    new_order,
    post,
    sign_and_resolve,
)
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

HEAD = token("head:USER_MAINTENANCE", "P-0200")
OTHER_HEAD = token("head:METER_READING", "P-0100")


async def test_rates_count_a_redone_order_a_satisfied_callback_and_an_urge(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    clocks = {name: clock for name in ("intake", "router", "sla")}
    only = ("intake", "router", "sla")
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        order_no = order_12345["orderNo"]
        order_id = await new_order(system, order_12345)
        grid = (await dispatches(system, order_id))[0]["grid"]
        assert grid is not None
        urged = await post(system.intake, order_no, followup("urge.json"))
        assert urged.status_code == 201, urged.text
        await sign_and_resolve(system, order_id, "临时包扎")
        await _resolved_rounds(system, order_id, 1)
        reopened = await post(system.intake, order_no, followup("callback.json"))
        assert reopened.json()["events"] == ["CallbackRecorded", "OrderReopened"]

        async def back_again() -> None:
            assert (await dispatches(system, order_id))[-1]["reason"] == "reopened"

        await eventually(back_again)
        await sign_and_resolve(system, order_id, "更换漏水管段")
        await _resolved_rounds(system, order_id, 2)
        pleased = followup(
            "callback.json",
            message_id="LC12345-FU-20261130-001002",
            satisfaction="满意",
            solved=True,
            opinion="这次修好了。",
        )
        assert (await post(system.intake, order_no, pleased)).status_code == 201

        expected = {
            "resolved": 2,
            "on_time": 2,
            "on_time_rate": 1.0,
            "callbacks": 2,
            "satisfied": 1,
            "basically_satisfied": 0,
            "dissatisfied": 1,
            "satisfaction_rate": 0.5,
            "solved": 1,
            "solved_rate": 0.5,
            "reopened": 1,
            "redo_rate": 0.5,
            "urges": 1,
            "supervisions": 0,
        }

        async def counted() -> dict[str, Any]:
            answer = await system.sla.get("/v1/sla/rates?month=2026-11", headers=HEAD)
            assert answer.status_code == 200, answer.text
            rates = dict(answer.json())
            (line,) = [d for d in rates["departments"] if d["department"] == "USER_MAINTENANCE"]
            assert {k: line[k] for k in expected} == expected, line
            return rates

        rates = await eventually(counted)
        assert [d["department"] for d in rates["departments"]] == ["USER_MAINTENANCE"]
        (by_grid,) = rates["grids"]
        assert by_grid["grid"] == grid
        assert {k: by_grid[k] for k in expected} == expected
        assert {k: rates["total"][k] for k in expected} == expected

        # Another department's head sees its own department only, and none of this order.
        theirs = (await system.sla.get("/v1/sla/rates?month=2026-11", headers=OTHER_HEAD)).json()
        assert [(d["department"], d["resolved"]) for d in theirs["departments"]] == [
            ("METER_READING", 0)
        ]
        # Beijing's December holds none of it.
        december = (await system.sla.get("/v1/sla/rates?month=2026-12", headers=HEAD)).json()
        assert december["total"]["resolved"] == 0
        assert december["total"]["satisfaction_rate"] is None


async def _resolved_rounds(system: Any, order_id: str, rounds: int) -> None:
    async def resolved() -> None:
        clocks = await system.sla.get(f"/v1/sla/orders/{order_id}", headers=OPERATOR)
        assert clocks.status_code == 200, clocks.text  # 404 until the SLA has read the order
        assert clocks.json()["state"] == "resolved"
        seen = (await system.intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
        resolutions = [e for e in seen["timeline"] if e["type"] == "OrderResolved"]
        assert len(resolutions) == rounds

    await eventually(resolved)


async def test_a_month_not_written_yyyy_mm_is_a_422_naming_it(environment: Environment) -> None:
    async with run_system(environment, only=("sla",)) as system:
        for month in ("2026-13", "26-11", "1999-12", "2026-1", "10000-01"):
            answer = await system.sla.get(f"/v1/sla/rates?month={month}", headers=HEAD)
            assert (answer.status_code, answer.json()["field"]) == (422, "month"), answer.text
