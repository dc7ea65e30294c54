"""我的工单 hears of a new order by push, not by polling (issue 19 item 6, done-when): a worker's
open page shows an order within 2 s of its OrderDispatched, without reload, with H's badge.

The page's polling is set to a minute, so only the push can bring the row in time. The 2 s runs
from the moment this test itself reads the OrderDispatched off the log (so after the router
published it): a bounded condition wait, the issue's own figure and nothing tighter; what comes
before (the router's work) is waited on with a generous bound."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.async_api import async_playwright

from gridline.broker import free_port
from shared.clock import LOCAL_TZ, Clock, ManualClock
from tests.e2e.test_duty_room import ADDRESS
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.builders import order_received
from tests.support.console import listening
from tests.support.kafka import produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, serve

pytestmark = pytest.mark.e2e

# A weekday's day shift: W-0301, the A post of 水城花园's grid, is at work.
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
ORDER = "GL-20261202-PUSH"
ISSUE_BOUND_MS = 2_000


@asynccontextmanager
async def console_on_a_port(
    env: Environment, apps: dict[str, FastAPI], **overrides: Any
) -> AsyncIterator[str]:
    from services.console.app import create_app
    from services.console.config import ConsoleSettings

    async with AsyncExitStack() as stack:
        values = await env.settings("console", embedded=True, demo_accounts=True, **overrides)
        for name in ("intake", "router", "sla", "scoring", "notify", "outreach"):
            app = apps.get(name)
            url = await stack.enter_async_context(listening(app)) if app else None
            values[f"{name}_url"] = url or f"http://127.0.0.1:{free_port()}"
        console = create_app(ConsoleSettings(**values))
        await stack.enter_async_context(serve(console))
        yield await stack.enter_async_context(listening(console))


async def test_a_workers_open_inbox_shows_a_dispatched_order_within_two_seconds_by_push(
    environment: Environment,
) -> None:
    executable = chromium_or_skip()
    clocks: dict[str, Clock] = {"router": ManualClock(WEDNESDAY_10)}
    async with (
        run_system(environment, clocks, ("intake", "router")) as system,
        console_on_a_port(environment, system.apps, poll_seconds=60) as base,
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
            # The stream is open and the console's reader stands at the log's end.
            await worker.locator("body[data-live-state=open]").wait_for(timeout=30_000)
            assert await worker.locator(f"[data-order='{ORDER}']").count() == 0
            await worker.evaluate("window.stillThisPage = true")

            event = order_received(ORDER, WEDNESDAY_10, address=ADDRESS)
            await produce(
                environment.bootstrap,
                environment.topics.orders,
                event.model_dump_json().encode(),
                key=ORDER.encode(),
            )

            async def dispatched() -> None:
                found = await read_json(environment.bootstrap, environment.topics.orders)
                assert any(
                    e.get("type") == "OrderDispatched" and e.get("order_id") == ORDER for e in found
                ), "not dispatched yet"

            await eventually(dispatched, within=60, every=0.1)
            row = worker.locator(f"#inbox li.new[data-order='{ORDER}']")
            await row.wait_for(timeout=ISSUE_BOUND_MS)
            assert await worker.evaluate("window.stillThisPage") is True  # no reload
            assert (await worker.title()).startswith("(1) 新工单"), await worker.title()
            assert await worker.locator("body").get_attribute("data-live-last") is not None
        finally:
            await browser.close()
