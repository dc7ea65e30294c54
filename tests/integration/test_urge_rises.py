"""A 12345 催办 puts the order first in its holder's inbox and in the duty room's read, while
notify tells the holder and the head at once (issue 20) — through the real broker, on both
databases. The urged order is whichever the inbox had put last, so it has to rise."""

from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    A_POST,
    OPERATOR,
    ORDER_DAY_0930,
    dispatches,
    followup,
    post,
)
from tests.integration.test_notify_chased import HEAD, HOLDER, OPS, told
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system

pytestmark = pytest.mark.integration


async def placed(system: System, order: dict[str, Any]) -> str:
    created = await system.intake.post("/v1/orders/12345", json=order, headers=OPERATOR)
    assert created.status_code == 201, created.text
    order_id = str(created.json()["order_id"])

    async def with_the_holder() -> None:
        assert [d["assignee_id"] for d in await dispatches(system, order_id)] == [HOLDER]

    await eventually(with_the_holder)
    return order_id


async def inbox(system: System) -> list[dict[str, Any]]:
    page = await system.router.get(f"/v1/inbox?assignee={HOLDER}", headers=A_POST)
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


async def test_an_urged_order_reaches_the_holder_and_head_and_rises_to_the_top(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "notify")
    clocks = {name: clock for name in only}
    async with run_system(environment, clocks=clocks, only=only) as system:  # type: ignore[arg-type]
        # Two orders for the same A post: another community of the grid, another fault, so
        # they are not one incident.
        other = {
            **order_12345,
            "orderNo": "LC12345-20261127-000124",
            "callerPhone": "13906359876",
            "address": "聊城市东昌府区东昌首府2号楼1单元",
            "category": "城市管理-供水-水压低",
            "title": "水压低",
            "content": "家里水龙头水流很小。",
        }
        numbers = {await placed(system, o): o["orderNo"] for o in (order_12345, other)}
        before = [i["order_id"] for i in await inbox(system)]
        assert set(before) == set(numbers), before
        last = before[-1]
        order_no = numbers[last]
        urged = await post(system.intake, order_no, followup("urge.json"))
        assert (urged.status_code, urged.json()["events"]) == (201, ["OrderUrged"]), urged.text

        async def both_told() -> None:
            assert {d["person_id"] for d in await told(system, last, "urged")} == {HOLDER, HEAD}

        async def first_in_the_holders_inbox() -> None:
            items = await inbox(system)
            assert items[0]["order_id"] == last, items
            assert items[0]["urge_count"] == 1 and items[0]["urged_at"] is not None

        await eventually(both_told)
        await eventually(first_in_the_holders_inbox)

        duty = await system.router.get("/v1/duty/orders", headers=OPS)
        assert duty.status_code == 200, duty.text
        counts = {d["order_id"]: d["urge_count"] for d in duty.json()}
        assert counts == {last: 1}  # chased and open, though nobody escalated it
