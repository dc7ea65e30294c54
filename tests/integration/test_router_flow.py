"""The router on the real broker: the SLA's own AckOverdue moves an unsigned order down the chain,
and the department API keeps each department to its own orders."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.clock import LOCAL_TZ, ManualClock
from shared.contracts import OrderReceived
from tests.support.builders import order_received
from tests.support.kafka import events_of, produce
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

# A weekday's day shift: W-0301 (A post of UM-DC-03) is at work.
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
UM = token("department:USER_MAINTENANCE", "W-0301")
MR = token("department:METER_READING", "W-0101")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")


def received(order_id: str, at: datetime) -> OrderReceived:
    return order_received(order_id, at)


async def send(env: Environment, event: OrderReceived) -> None:
    await produce(
        env.bootstrap,
        env.topics.orders,
        event.model_dump_json().encode(),
        key=event.order_id.encode(),
    )


async def dispatches(env: Environment, order_id: str, count: int) -> list[dict[str, Any]]:
    found = await events_of(env.bootstrap, env.topics.orders, order_id, "OrderDispatched")
    assert len(found) == count, [d["payload"]["assignee_id"] for d in found]
    return found


async def test_an_unacknowledged_order_moves_from_a_to_b_when_ack_due_passes(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with run_system(
        environment, clocks={"router": clock, "sla": clock}, only=("router", "sla")
    ):
        await send(environment, received("GL-ACK-1", WEDNESDAY_10))

        first = (await eventually(lambda: dispatches(environment, "GL-ACK-1", 1)))[0]
        assert (first["payload"]["assignee_id"], first["payload"]["assignment_id"]) == ("W-0301", 1)

        # Nobody signs: 30 minutes later the SLA service's AckOverdue moves it to the B post.
        clock.advance(timedelta(minutes=31))

        async def moved_to_b() -> list[dict[str, Any]]:
            return await dispatches(environment, "GL-ACK-1", 2)

        second = (await eventually(moved_to_b))[1]["payload"]
        assert (second["assignee_id"], second["chain_position"]) == ("W-0302", "B")
        assert (second["assignment_id"], second["reason"]) == (2, "ack_overdue")
        overdue = await events_of(
            environment.bootstrap, environment.topics.orders, "GL-ACK-1", "AckOverdue"
        )
        assert [o["payload"]["assignment_id"] for o in overdue] == [1]


async def test_departments_act_on_their_own_orders_and_heads_change_leave_on_the_record(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with run_system(environment, clocks={"router": clock}, only=("router",)) as system:
        await send(environment, received("GL-API-1", WEDNESDAY_10))

        async def in_inbox() -> None:
            inbox = (await system.router.get("/v1/inbox", headers=UM)).json()
            assert [i["order_id"] for i in inbox["items"]] == ["GL-API-1"]

        await eventually(in_inbox)

        # 抄表处 may not sign for 用户维修处's order: 403, and nothing changes.
        before = (await system.router.get("/v1/orders/GL-API-1", headers=UM)).json()
        refused = await system.router.post("/v1/orders/GL-API-1/acknowledge", headers=MR)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
        assert (await system.router.get("/v1/orders/GL-API-1", headers=UM)).json() == before
        assert before["state"] == "dispatched"

        signed = await system.router.post("/v1/orders/GL-API-1/acknowledge", headers=UM)
        assert signed.status_code == 200, signed.text
        assert signed.json()["order"]["state"] == "acknowledged"
        again = await system.router.post("/v1/orders/GL-API-1/acknowledge", headers=UM)
        assert again.status_code == 409

        async def acknowledged_on_the_log() -> None:
            found = await events_of(
                environment.bootstrap,
                environment.topics.orders,
                "GL-API-1",
                "OrderAcknowledged",
            )
            assert [(a["payload"]["by"], a["payload"]["assignment_id"]) for a in found] == [
                ("W-0301", 1)
            ]

        await eventually(acknowledged_on_the_log)

        # The head puts W-0301 on leave from today (立即生效, as the console asks); the next
        # order goes to the B post, and the change is on the record.
        leave = {
            "leave": [{"from": "2026-12-01", "to": "2026-12-03", "reason": "年假"}],
            "immediate": True,
        }
        put = await system.router.put("/v1/leave/W-0301", json=leave, headers=UM_HEAD)
        assert put.status_code == 200, put.text
        other_head = token("head:METER_READING", "P-0100")
        assert (
            await system.router.put("/v1/leave/W-0301", json=leave, headers=other_head)
        ).status_code == 403
        audit = (await system.router.get("/v1/roster/audit", headers=UM_HEAD)).json()
        assert [(a["who"], a["subject"], a["before"], len(a["after"])) for a in audit] == [
            ("P-0200", "W-0301", [], 1)
        ]

        await send(environment, received("GL-API-2", WEDNESDAY_10))
        second = (await eventually(lambda: dispatches(environment, "GL-API-2", 1)))[0]
        assert second["payload"]["assignee_id"] == "W-0302"
        assert second["payload"]["skipped"][0]["reason"] == "W-0301 on leave until 12-03"
