"""我的工单 tells of a new order on an open page (issue 19 item 6, in part): the row appears
without a reload, marked new, the title carries a badge, and the card has 签收. Here by whichever
comes first, the push or the 5 s poll; tests/e2e/test_live_push.py shows the push alone, within
2 s, with polling set to a minute."""

from datetime import datetime

import pytest
from playwright.async_api import async_playwright

from shared.clock import LOCAL_TZ, Clock, ManualClock
from tests.e2e.test_duty_room import ADDRESS, console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.builders import order_received
from tests.support.kafka import produce
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.e2e

# A weekday's day shift: W-0301, the A post of 水城花园's grid, is at work.
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
ORDER = "GL-20261202-LIVE"


async def test_a_new_order_appears_on_the_workers_open_inbox_with_a_badge(
    environment: Environment,
) -> None:
    executable = chromium_or_skip()
    clocks: dict[str, Clock] = {"router": ManualClock(WEDNESDAY_10)}
    async with (
        run_system(environment, clocks, ("intake", "router")) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(base_url=base, locale="zh-CN")
            worker = await context.new_page()
            await worker.goto("/login")
            await worker.fill("input[name=username]", "w-0301")
            await worker.fill("input[name=password]", "gridline-demo")
            await worker.click("button[type=submit]")
            await worker.goto("/inbox")
            assert await worker.locator(f"[data-order='{ORDER}']").count() == 0
            await worker.evaluate("window.stillThisPage = true")

            event = order_received(ORDER, WEDNESDAY_10, address=ADDRESS)
            await produce(
                environment.bootstrap,
                environment.topics.orders,
                event.model_dump_json().encode(),
                key=ORDER.encode(),
            )
            row = worker.locator(f"#inbox li.new[data-order='{ORDER}']")
            await row.wait_for(timeout=30_000)
            assert await worker.evaluate("window.stillThisPage") is True  # no reload
            assert (await worker.title()).startswith("(1) 新工单"), await worker.title()
            # 签收 is on the card itself, one tap.
            await row.locator("form.ack button").click()
            assert "签收成功" in await worker.inner_text(".flash")
        finally:
            await browser.close()
