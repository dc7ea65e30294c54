"""The closed loop through all four services, on the real broker and both databases (issue 20):
a 12345 order resolved, then a 不满意 回访 → reopened, back to its last holder for a second
round with new deadlines, whose 办结 owes a second reply while scoring counts the worker's 办结
once; a resent follow-up changes nothing; a 撤单 stops every clock and owes no reply."""

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.scoring.store import InboxRow
from shared.clock import LOCAL_TZ
from shared.paths import EXAMPLES_DIR
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
A_POST = token("department:USER_MAINTENANCE", "W-0301")
HEAD = token("head:USER_MAINTENANCE", "P-0200")
# Friday 2026-11-27, a working day's day shift (the example order came in at 09:15): the
# grid's A post W-0301 is at work, whatever the hour or date the test runs at.
ORDER_DAY_0930 = datetime(2026, 11, 27, 9, 30, tzinfo=LOCAL_TZ)


def followup(name: str, **changes: Any) -> dict[str, Any]:
    body = json.loads((EXAMPLES_DIR / "followups" / name).read_text(encoding="utf-8"))
    return {**body, **changes}


async def view(system: System, order_id: str) -> dict[str, Any]:
    answer = await system.intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)
    return dict(answer.json())


async def dispatches(system: System, order_id: str) -> list[dict[str, Any]]:
    timeline = (await view(system, order_id))["timeline"]
    return [e["payload"] for e in timeline if e["type"] == "OrderDispatched"]


async def sign_and_resolve(system: System, order_id: str, notes: str) -> None:
    signed = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
    assert signed.status_code == 200, signed.text
    done = {"handling_notes": notes, "public_reply": "您好，漏水已修复，感谢来电。"}
    resolved = await system.router.post(f"/v1/orders/{order_id}/resolve", json=done, headers=A_POST)
    assert resolved.status_code == 200, resolved.text


async def open_clocks(system: System, order_id: str) -> list[dict[str, Any]]:
    answer = await system.sla.get(f"/v1/sla/orders/{order_id}", headers=OPERATOR)
    assert answer.status_code == 200, answer.text  # 404 until the SLA has read the order
    return [d for d in answer.json()["deadlines"] if d["state"] == "open"]


async def new_order(system: System, order: dict[str, Any]) -> str:
    created = await system.intake.post("/v1/orders/12345", json=order, headers=OPERATOR)
    assert created.status_code == 201, created.text
    order_id = str(created.json()["order_id"])

    async def dispatched() -> None:
        assert len(await dispatches(system, order_id)) == 1
        assert {d["kind"] for d in await open_clocks(system, order_id)} >= {"resolve", "reply"}

    await eventually(dispatched)
    return order_id


async def post(client: httpx.AsyncClient, order_no: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(f"/v1/orders/12345/{order_no}/followups", json=body, headers=OPERATOR)


async def test_a_dissatisfied_callback_reopens_the_order_for_a_second_round_and_reply(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    clocks = {name: clock for name in ("intake", "router", "sla", "scoring")}
    async with run_system(environment, clocks=clocks) as system:  # type: ignore[arg-type]
        order_no = order_12345["orderNo"]
        order_id = await new_order(system, order_12345)
        await sign_and_resolve(system, order_id, "临时包扎")

        async def first_reply_owed() -> None:
            assert len((await view(system, order_id))["replies"]) == 1
            assert await open_clocks(system, order_id) == []  # resolved, and replied

        await eventually(first_reply_owed)
        resolved_at = clock.now()

        reopened = await post(system.intake, order_no, followup("callback.json"))
        assert reopened.status_code == 201, reopened.text
        assert reopened.json()["events"] == ["CallbackRecorded", "OrderReopened"]

        async def back_to_its_holder() -> dict[str, Any]:
            again = (await dispatches(system, order_id))[-1]
            assert again["reason"] == "reopened", again
            clocks = await open_clocks(system, order_id)
            assert {"resolve", "reply"} <= {c["kind"] for c in clocks}, clocks
            return again

        again = await eventually(back_to_its_holder)
        assert (again["assignee_id"], again["round"]) == ("W-0301", 2)
        fresh = [c for c in await open_clocks(system, order_id) if c["kind"] == "resolve"]
        assert all(datetime.fromisoformat(c["started_at"]) >= resolved_at for c in fresh)

        # The platform resends its message: the same answer, nothing reopens twice.
        resent = await post(system.intake, order_no, followup("callback.json"))
        assert (resent.status_code, resent.json()["events"]) == (200, [])

        await sign_and_resolve(system, order_id, "更换漏水管段")

        async def second_reply_owed() -> list[dict[str, Any]]:
            seen = await view(system, order_id)
            assert len(seen["replies"]) == 2, seen["replies"]
            resolutions = [e for e in seen["timeline"] if e["type"] == "OrderResolved"]
            assert [r["payload"]["round"] for r in resolutions] == [1, 2]
            return resolutions

        resolutions = await eventually(second_reply_owed)
        assert [d["reason"] for d in await dispatches(system, order_id)] == [
            "initial",
            "reopened",
        ]

        async def scoring_read_the_second_resolution() -> None:
            async with system.apps["scoring"].state.runtime.db.transaction() as session:
                seen = await session.scalar(
                    select(InboxRow.event_id).where(InboxRow.event_id == resolutions[1]["event_id"])
                )
            assert seen is not None

        await eventually(scoring_read_the_second_resolution)
        counts = (await system.scoring.get("/v1/counts/2026-11", headers=OPERATOR)).json()
        assert counts["workers"]["W-0301"]["orders_handled"] == 1  # not 2


async def test_a_withdrawn_order_stops_every_clock_and_owes_no_reply(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    clocks = {name: clock for name in ("intake", "router", "sla", "scoring")}
    async with run_system(environment, clocks=clocks) as system:  # type: ignore[arg-type]
        order_id = await new_order(system, order_12345)
        withdrawn = await post(system.intake, order_12345["orderNo"], followup("withdraw.json"))
        assert (withdrawn.status_code, withdrawn.json()["events"]) == (201, ["OrderWithdrawn"])

        async def stopped() -> None:
            assert await open_clocks(system, order_id) == []
            routed = await system.router.get(f"/v1/orders/{order_id}", headers=HEAD)
            assert routed.json()["state"] == "withdrawn"

        await eventually(stopped)
        signed = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
        assert signed.status_code == 409  # nobody acts on a withdrawn order, so nothing resolves
        seen = await view(system, order_id)
        assert (seen["state"], seen["replies"]) == ("withdrawn", [])
