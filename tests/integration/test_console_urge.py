"""催办 from the operator's order page (issue 21), through the real broker on both databases: a
96568 caller rings again, the operator opens the order — its holder's name and work phone are
there to call — and taps 催办; intake records OrderUrged and notify tells the holder and their
head at once, with the caller's words, as it does a 12345 催办. A resolved order offers none."""

import re
from typing import Any

import pytest

from tests.integration.test_followup_flow import (
    ORDER_DAY_0930,
    dispatches,
    followup,
    new_order,
    post,
    sign_and_resolve,
)
from tests.integration.test_notify_chased import HEAD, HOLDER, texts, told
from tests.support.clocks import RunningClock
from tests.support.console import csrf_of, running_console, sign_in
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

OPERATOR = token("operator", "op-017")
CALL: dict[str, Any] = {
    "ticket_id": "96568-URGE-CONSOLE",
    "received_at": ORDER_DAY_0930.isoformat(),
    "operator_id": "op-017",
    "customer": {"name": "王先生", "phone": "13906351234"},
    "address": {"district": "东昌府区", "community": "水城花园", "building": "3"},
    "type": "漏水",
    "description": "厨房水管漏水",
}


async def test_the_operator_chases_an_order_from_its_page_and_its_holder_is_told(
    environment: Environment,
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "notify")
    async with (
        run_system(environment, clocks=dict.fromkeys(only, clock), only=only) as system,
        running_console(environment, system.apps) as console,
    ):
        created = await system.intake.post("/v1/orders/96568", json=CALL, headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def dispatched() -> None:
            assert [d["assignee_id"] for d in await dispatches(system, order_id)] == [HOLDER]

        await eventually(dispatched)
        desk = console.client
        await sign_in(desk, "operator")
        page = (await desk.get(f"/orders/{order_id}")).text
        holder = re.search(r'<dd class="holder">(.*?)</dd>', page, re.S)
        assert holder and "褚建国" in holder[1] and 'href="tel:' in holder[1], page
        assert 'action="/orders/' + order_id + '/urge"' in page

        chased = await desk.post(
            f"/orders/{order_id}/urge",
            data={"csrf_token": await csrf_of(desk), "content": "用户再次来电，楼道还在漏"},
        )
        assert chased.status_code == 303, chased.text
        assert "已催办" in (await desk.get(chased.headers["location"])).text

        async def both_told() -> None:
            assert {d["person_id"] for d in await told(system, order_id, "urged")} == {
                HOLDER,
                HEAD,
            }
            assert any("楼道还在漏" in t for t in await texts(system, order_id, HOLDER))

        await eventually(both_told)

        await sign_and_resolve(system, order_id, "更换阀门")

        async def resolved() -> None:
            page = (await desk.get(f"/orders/{order_id}")).text
            assert "已办结" in page and "/urge" not in page

        await eventually(resolved)


async def test_an_order_chased_twice_shows_urged_twice_on_the_holders_inbox_and_order_page(
    environment: Environment, order_12345: dict[str, Any]
) -> None:
    """Two 12345 催办: the holder's 我的工单 row and the order page both say 催办 ×2 (issue 20),
    as the pages are served."""
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "sla")
    async with (
        run_system(environment, clocks=dict.fromkeys(only, clock), only=only) as system,
        running_console(environment, system.apps) as console,
    ):
        order_id = await new_order(system, order_12345)
        for n in (1, 2):
            again = followup("urge.json", message_id=f"LC12345-FU-URGE-{n}")
            urged = await post(system.intake, order_12345["orderNo"], again)
            assert urged.status_code == 201, urged.text
        holder = console.client
        await sign_in(holder, HOLDER.lower())

        async def chased_twice() -> None:
            rows = await holder.get("/inbox/rows")
            assert rows.status_code == 200, rows.text
            row = re.search(rf'<li[^>]*data-order="{order_id}".*?</li>', rows.text, re.S)
            assert row and "催办 ×2" in row[0], rows.text

        await eventually(chased_twice)
        page = await holder.get(f"/orders/{order_id}")
        assert page.status_code == 200, page.text
        chased = re.search(r'<dd class="chased">(.*?)</dd>', page.text, re.S)
        assert chased and "催办 ×2" in chased[1] and "督办" not in chased[1], page.text
