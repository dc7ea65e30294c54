"""The holder's order page while the 12345 platform weighs our 退单 (issue 20), as the console
serves it, through the real broker on both databases: it says the request waits for the
platform's answer — when it was asked and why — and offers no second 退单 meanwhile; then it
shows the answer: 已退单 once approved, the refusal with its reason once refused (and 退单 is
offered again, the order being the holder's still)."""

import re
from typing import Any

import pytest

from tests.integration.test_followup_flow import A_POST, ORDER_DAY_0930, followup, new_order, post
from tests.integration.test_notify_chased import HOLDER
from tests.support.clocks import RunningClock
from tests.support.console import running_console, sign_in
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

NOT_OURS = "属燃气管道漏气，非供水管辖"
RETURN_FORM = '/return">'


def return_line(page: str) -> str:
    found = re.search(r'<dd class="return (return-\w+)">(.*?)</dd>', page, re.S)
    assert found, "the page says nothing of a 退单"
    return f"{found[1]} {found[2].strip()}"


@pytest.mark.parametrize("approved", [True, False], ids=["approved", "refused"])
async def test_the_order_page_shows_a_return_waiting_for_the_platform_and_its_answer(
    environment: Environment, order_12345: dict[str, Any], approved: bool
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    only = ("intake", "router", "sla")
    async with (
        run_system(environment, clocks=dict.fromkeys(only, clock), only=only) as system,
        running_console(environment, system.apps) as console,
    ):
        order_id = await new_order(system, order_12345)
        signed = await system.router.post(f"/v1/orders/{order_id}/acknowledge", headers=A_POST)
        assert signed.status_code == 200, signed.text
        holder = console.client
        await sign_in(holder, HOLDER.lower())
        before = await holder.get(f"/orders/{order_id}")
        assert before.status_code == 200, before.text
        assert RETURN_FORM in before.text and 'class="return ' not in before.text

        asked = await system.router.post(
            f"/v1/orders/{order_id}/return", json={"reason": NOT_OURS}, headers=A_POST
        )
        assert asked.status_code == 200, asked.text
        waiting = await holder.get(f"/orders/{order_id}")
        assert waiting.status_code == 200, waiting.text
        line = return_line(waiting.text)
        assert line.startswith("return-pending 退单申请待12345平台答复"), line
        assert NOT_OURS in line and re.search(r"\d\d-\d\d \d\d:\d\d 申请", line), line
        assert RETURN_FORM not in waiting.text  # no second 退单 while the first waits
        assert 'action="/orders/' + order_id + '/resolve"' in waiting.text  # work goes on

        body = followup("return_decision.json", approved=approved)
        answered = await post(system.intake, order_12345["orderNo"], body)
        assert answered.status_code in (200, 201), answered.text
        reason = str(body.get("reason") or "")

        async def answered_on_the_page() -> str:
            page = await holder.get(f"/orders/{order_id}")
            assert page.status_code == 200, page.text
            assert "退单申请待12345平台答复" not in page.text
            line = return_line(page.text)
            assert line.startswith("return-returned" if approved else "return-refused"), line
            return page.text

        page = await eventually(answered_on_the_page)
        line = return_line(page)
        if approved:
            assert "已退单" in line and NOT_OURS in line, line
            assert RETURN_FORM not in page
        else:
            assert "退单未获12345平台批准" in line, line
            if reason:
                assert reason in line, line
            assert RETURN_FORM in page  # still the holder's: 退单 may be asked again
