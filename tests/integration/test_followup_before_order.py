"""A 12345 follow-up that comes before its order (issue 20): the platform often sends a 催办
before, or just after, the order itself. It is answered 404 and kept; when the order arrives
and is dispatched, it is applied — once — through the real broker on both databases: the
holder and the head are told of the 催办, the order counts one 催办 in the router, and a resent
message or a later dispatch of the order applies nothing again."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import A_POST, ORDER_DAY_0930, followup, post, view
from tests.integration.test_notify_chased import HEAD, HOLDER, OPS, told
from tests.integration.test_urge_rises import inbox, placed
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration


async def test_an_urge_sent_before_its_order_is_applied_once_when_the_order_arrives(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        order_no = order_12345["orderNo"]
        early = await post(system.intake, order_no, followup("urge.json"))
        assert (early.status_code, early.json()["field"]) == (404, "orderNo"), early.text
        assert "自动补办" in early.json()["detail"]
        kept = await system.intake.get("/v1/followups/unmatched", headers=OPS)
        assert [i["order_no"] for i in kept.json()["items"]] == [order_no]

        order_id = await placed(system, order_12345)

        async def both_told() -> None:
            assert {d["person_id"] for d in await told(system, order_id, "urged")} == {
                HOLDER,
                HEAD,
            }

        async def counted_in_the_inbox() -> None:
            (item,) = [i for i in await inbox(system) if i["order_id"] == order_id]
            assert item["urge_count"] == 1, item

        await eventually(both_told)
        await eventually(counted_in_the_inbox)
        messages = len(await told(system, order_id, "urged"))
        again = await post(system.intake, order_no, followup("urge.json"))
        assert (again.status_code, again.json()["status"]) == (200, "already_received")
        assert again.json()["order_id"] == order_id
        held = await system.intake.get("/v1/followups/unmatched", headers=OPS)
        assert held.json()["items"] == []

        # A second dispatch of the order (it is returned to another department) applies
        # nothing again: one 催办 on its timeline, one message each.
        returned = await system.router.post(
            f"/v1/orders/{order_id}/return",
            json={"reason": "非本部门职责", "target_department": "METER_READING"},
            headers=A_POST,
        )
        assert returned.status_code == 200, returned.text

        async def redispatched() -> list[str]:
            types = [e["type"] for e in (await view(system, order_id))["timeline"]]
            assert types.count("OrderDispatched") == 2, types
            return types

        types = await eventually(redispatched)
        assert types.count("OrderUrged") == 1, types
        assert types.index("OrderUrged") > types.index("OrderDispatched")
        assert len(await told(system, order_id, "urged")) == messages
