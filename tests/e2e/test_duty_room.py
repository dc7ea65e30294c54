"""值班室 in real Chromium around "late now": a 12345 order red on every clock and escalated to
the department head is its first row, with the holder's name, work phone and step; the big
screen opens from the console session with no token typed (issue 19 items 1 and 2).

The router and the SLA service run in-process on one manual clock (so the chain can be walked
to the head without waiting for it); the console calls them over real ports."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Page, async_playwright

from gridline.broker import free_port
from shared.clock import LOCAL_TZ, Clock, ManualClock
from shared.contracts import Address
from tests.e2e.test_console import _shot
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.builders import order_received
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, serve, token

pytestmark = pytest.mark.e2e

OPS = token("ops", "P-0410")
LATE = "GL-20261202-LATE"
FRESH = "GL-20261202-FRESH"
ADDRESS = Address(text="水城花园5号楼2单元", community="水城花园")


@asynccontextmanager
async def listening(app: FastAPI) -> AsyncIterator[str]:
    """An app already started (its lifespan runs in ``serve``) answering on a real port too:
    Chromium and the console need addresses."""
    port = free_port()
    # log_config=None: uvicorn's own logging setup would replace the process's (masking) one.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> None:
        assert server.started

    await eventually(started, within=10, every=0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def console_on_a_port(env: Environment, apps: dict[str, FastAPI]) -> AsyncIterator[str]:
    from services.console.app import create_app
    from services.console.config import ConsoleSettings

    async with AsyncExitStack() as stack:
        values = await env.settings("console", embedded=True, demo_accounts=True)
        for name in ("intake", "router", "sla", "scoring", "notify", "outreach"):
            app = apps.get(name)
            url = await stack.enter_async_context(listening(app)) if app else None
            values[f"{name}_url"] = url or f"http://127.0.0.1:{free_port()}"
        console = create_app(ConsoleSettings(**values))
        await stack.enter_async_context(serve(console))
        yield await stack.enter_async_context(listening(console))


async def _step(router: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    answer = await router.get("/v1/duty/orders", params={"order_id": order_id}, headers=OPS)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert len(found) == 1, found
    return dict(found[0])


async def _moved(router: httpx.AsyncClient, before: str) -> dict[str, Any]:
    now = await _step(router, LATE)
    assert now["chain_position"] != before, now
    return now


async def _walk_to_the_head(router: httpx.AsyncClient, clock: ManualClock) -> dict[str, Any]:
    """Nobody signs: each holder's 签收时限 passes and the chain moves up until the head."""
    step = await eventually(lambda: _step(router, LATE))
    for _ in range(6):
        if step["chain_position"] == "HEAD":
            return step
        clock.set(datetime.fromisoformat(step["ack_due"]) + timedelta(minutes=1))
        step = await eventually(partial(_moved, router, step["chain_position"]))
    raise AssertionError(f"the chain did not reach the head: {step}")


async def _signed_in_ops(base: str, browser: Any) -> Page:
    context = await browser.new_context(
        base_url=base, viewport={"width": 1400, "height": 900}, locale="zh-CN"
    )
    page: Page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", "ops")
    await page.fill("input[name=password]", "gridline-demo")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    assert page.url.endswith("/duty"), page.url
    return page


async def test_an_order_late_on_every_clock_at_the_head_is_the_first_row_of_the_duty_room(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    # From now on, as the services' tokens are checked against the real time; the console keeps
    # the real clock (a token it issued from the walked-forward clock would not be valid yet).
    clock = ManualClock(datetime.now(LOCAL_TZ).replace(microsecond=0))
    clocks: dict[str, Clock] = {"router": clock, "sla": clock}
    # The wall screen links each order to the console's page (its port is not known yet).
    linked = {"sla": {"console_url": "http://console.invalid"}}
    services = ("intake", "router", "sla")
    async with run_system(environment, clocks, services, linked) as system:
        # Passed to Gridline five days after the caller rang: every clock, and the platform's
        # own, had run out before it arrived.
        received = clock.now() - timedelta(days=5)
        late = order_received(
            LATE,
            received,
            source="12345",
            address=ADDRESS,
            platform_deadline=received + timedelta(days=1),
        )
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            late.model_dump_json().encode(),
            key=LATE.encode(),
        )
        at_head = await _walk_to_the_head(system.router, clock)
        fresh = order_received(FRESH, clock.now(), address=ADDRESS)
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            fresh.model_dump_json().encode(),
            key=FRESH.encode(),
        )

        async def on_the_board() -> dict[str, Any]:
            got = await system.sla.get("/v1/sla/duty-board", headers=OPS)
            board = got.json()
            assert [b["order_id"] for b in board["late"]] == [LATE], board
            assert FRESH in [b["order_id"] for b in board["soon"]], board
            return dict(board)

        board = await eventually(on_the_board)
        (row,) = board["late"]
        assert {c["kind"]: c["state"] for c in row["clocks"]} == {
            "acknowledge": "fired",
            "arrive": "fired",
            "resolve": "fired",
            "reply": "fired",
        }

        async with (
            console_on_a_port(environment, system.apps) as base,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=executable)
            try:
                ops = await _signed_in_ops(base, browser)
                assert await ops.locator("#late").count() == 1, await ops.inner_text("main")
                first = ops.locator("#late tbody tr").first
                assert await first.get_attribute("data-order") == LATE
                cells = first.locator("td")
                holder = await cells.nth(6).inner_text()
                assert "钱主任" in holder, holder  # 供水服务部's head, P-0200
                assert await cells.nth(6).locator("a[href='tel:13806350200']").count() == 1
                assert await cells.nth(7).inner_text() == "部门负责人"
                assert (
                    "小时" in await cells.nth(8).inner_text()
                    or "天" in await cells.nth(8).inner_text()
                )
                reds = first.locator("td.clock.red")
                assert await reds.count() == 5, await first.inner_text()  # 4 clocks + 平台时限
                assert at_head["assignee_id"] == "P-0200"
                soon = ops.locator("#soon tbody tr", has_text=FRESH)
                assert await soon.count() == 1
                await _shot(ops, "duty-room", tmp_path)

                # The big screen opens on the session's credential: no token typed.
                async with ops.context.expect_page() as opened:
                    await ops.click("#big-screen")
                screen = await opened.value
                await screen.wait_for_selector("body[data-loaded=true]", timeout=20_000)
                assert "#token" not in screen.url  # the credential left the address bar
                assert await screen.locator("#login").is_hidden()
                assert await screen.inner_text("#total-open") == "2"
                listed = await screen.locator("#breaches").inner_text()
                assert LATE in listed
                link = screen.locator("#breaches a").first
                color = await link.evaluate("a => getComputedStyle(a).color")
                assert color == "rgb(90, 169, 255)", color  # light blue on navy
                await _shot(screen, "big-screen", tmp_path)
            finally:
                await browser.close()
