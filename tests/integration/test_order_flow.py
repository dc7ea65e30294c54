"""A real 12345 order through all four services, on the real broker and a real database."""

from datetime import datetime
from typing import Any

import pytest

from shared.clock import LOCAL_TZ
from tests.support.clocks import RunningClock
from tests.support.kafka import events_of
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")


# Friday 2026-11-27, a working day's day shift, just after the example order was accepted
# (09:15): the grid's A post is at work, whatever the hour or date the test runs at.
ORDER_DAY_0930 = datetime(2026, 11, 27, 9, 30, tzinfo=LOCAL_TZ)


async def test_a_12345_order_is_received_dispatched_timed_and_counted(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    clocks = {name: clock for name in ("intake", "router", "sla", "scoring")}
    async with run_system(environment, clocks=clocks) as system:  # type: ignore[arg-type]
        created = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]
        assert created.json()["category"] == "LEAK"

        async def dispatched() -> dict[str, Any]:
            view = (await system.intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
            types = [e["type"] for e in view["timeline"]]
            # The SLA's ResolveDeadlineSet may come before or after the dispatch.
            assert types[0] == "OrderReceived" and "OrderDispatched" in types, types
            return dict(view)

        view = await eventually(dispatched)
        dispatch = next(e for e in view["timeline"] if e["type"] == "OrderDispatched")["payload"]
        # 水城花园 is in grid UM-DC-03 of 用户维修处, whose A post is W-0301 (the demo org).
        assert (dispatch["department"], dispatch["grid"], dispatch["assignee_id"]) == (
            "USER_MAINTENANCE",
            "UM-DC-03",
            "W-0301",
        )
        assert dispatch["chain_position"] == "A"
        assert view["state"] == "dispatched"
        assert view["caller_phone"] == "139****1234"

        async def deadlines_stored() -> None:
            overview = (await system.sla.get("/v1/sla/overview", headers=OPERATOR)).json()
            # 12345 leak (config/sla_policies.yaml): the order's sign-for limit and the
            # assignment's own (the router's chain) are both acknowledge; crew on site in 30
            # min, repaired in 24 h, reply to the platform.
            assert overview["open_deadlines"] == {
                "acknowledge": 2,
                "arrive": 1,
                "resolve": 1,
                "reply": 1,
            }

        await eventually(deadlines_stored)

        async def dispatch_counted() -> None:
            counts = (await system.scoring.get("/v1/counts/2026-11", headers=OPERATOR)).json()
            assert counts["workers"].get("W-0301", {}).get("orders_dispatched") == 1

        await eventually(dispatch_counted)

        inbox = await system.router.get("/v1/inbox", headers=token("department:USER_MAINTENANCE"))
        assert [i["order_id"] for i in inbox.json()["items"]] == [order_id]


async def test_the_same_12345_order_pushed_twice_is_one_order(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    async with run_system(environment, only=("intake", "router")) as system:
        first = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        again = await system.intake.post("/v1/orders/12345", json=order_12345, headers=OPERATOR)
        assert (first.status_code, again.status_code) == (201, 200)
        order_id = first.json()["order_id"]
        assert again.json() == {**first.json(), "created": False}

        async def dispatched_once() -> None:
            received = await events_of(
                environment.bootstrap, environment.topics.orders, order_id, "OrderReceived"
            )
            dispatched = await events_of(
                environment.bootstrap, environment.topics.orders, order_id, "OrderDispatched"
            )
            assert (len(received), len(dispatched)) == (1, 1)

        await eventually(dispatched_once)


async def test_missing_and_malformed_fields_answer_422_naming_the_field(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    async with run_system(environment, only=("intake",)) as system:
        missing = {k: v for k, v in order_12345.items() if k != "callerPhone"}
        reply = await system.intake.post("/v1/orders/12345", json=missing, headers=OPERATOR)
        assert reply.status_code == 422
        assert reply.json()["field"] == "callerPhone"
        assert reply.json()["error"] == "invalid"

        bad_time = {**order_12345, "acceptTime": "yesterday"}
        reply = await system.intake.post("/v1/orders/12345", json=bad_time, headers=OPERATOR)
        assert (reply.status_code, reply.json()["field"]) == (422, "acceptTime")

        reply = await system.intake.post(
            "/v1/orders/12345",
            content=b"{not json",
            headers={**OPERATOR, "content-type": "application/json"},
        )
        assert reply.status_code == 422
        assert "JSON" in str(reply.json()["detail"])

        nobody = await system.intake.post("/v1/orders/12345", json=order_12345)
        assert nobody.status_code == 401
