"""The hotline's pop-up in Chromium (issue 21, done-when): a newCall for a phone with one closed
and one open order makes the named operator's open 受理 page show both within 1 s, pushed, with
the phone filled in; without a PBX, the number typed into 来电号码 opens the same panel.

Intake and the router run on the real broker; the PBX posts Zammad's newCall to intake naming
the operator (``user[]`` = their console username). The 1 s is counted from the moment this test
reads the CallRinging off the log, as a bounded wait on the rows: the issue's own figure. The
12345 list beside it polls; the call form's fields do not, so only the push can fill them."""

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from shared.clock import LOCAL_TZ
from shared.contracts import OrderResolved, OrderResolvedPayload
from tests.e2e.test_live_push import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.kafka import produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

OPERATOR = token("operator", "operator")
PBX = token("pbx", "pbx-1")
CALLER = "13906357788"
ISSUE_BOUND_MS = 1_000
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console-popup.png"


def call_96568(ticket: str, at: datetime, kind: str) -> dict[str, Any]:
    return {
        "ticket_id": ticket,
        "received_at": at.isoformat(),
        "operator_id": "operator",
        "customer": {"name": "赵女士", "phone": CALLER},
        "address": {"district": "东昌府区", "community": "水城花园", "building": "3"},
        "type": kind,
        "description": "弹屏测试",
    }


async def test_a_ringing_call_shows_the_callers_open_and_closed_orders_within_a_second(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    now = datetime.now(LOCAL_TZ).replace(microsecond=0)
    async with (
        run_system(environment, only=("intake", "router")) as system,
        console_on_a_port(environment, system.apps, poll_seconds=60) as base,
        async_playwright() as playwright,
    ):
        # Two calls from the same phone and address, apart beyond intake's incident window.
        ids = []
        for ticket, ago, kind in (("96568-POP-1", 3, "漏水"), ("96568-POP-2", 1, "水压低")):
            body = call_96568(ticket, now - timedelta(hours=ago), kind)
            got = await system.intake.post("/v1/orders/96568", json=body, headers=OPERATOR)
            assert got.status_code in (200, 201), got.text
            ids.append(got.json()["order_id"])
        closed, still_open = ids
        resolved = OrderResolved(
            order_id=closed,
            occurred_at=now,
            producer="router",
            payload=OrderResolvedPayload(by="W-0301", department="USER_MAINTENANCE"),
        )
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            resolved.model_dump_json().encode(),
            key=closed.encode(),
        )

        async def closed_in_intake() -> None:
            found = await system.intake.get(
                "/v1/search/orders", params={"phone": CALLER}, headers=OPERATOR
            )
            states = {o["order_id"]: o["open"] for o in found.json()["items"]}
            assert states == {closed: False, still_open: True}, states

        await eventually(closed_in_intake, within=60)

        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(base_url=base, locale="zh-CN")
            page = await context.new_page()
            await page.goto("/login")
            await page.fill("input[name=username]", "operator")
            await page.fill("input[name=password]", "gridline-demo")
            await page.click("button[type=submit]")
            await page.wait_for_url("**/operator")
            await page.locator("body[data-live-state=open]").wait_for(timeout=30_000)
            assert await page.input_value("#call-form input[name=phone]") == ""

            ring = {
                "event": "newCall",
                "from": f"86{CALLER}",
                "to": "96568",
                "direction": "in",
                "callId": "pop-call-1",
                "user[]": ["operator"],
            }
            rang = await system.intake.post("/v1/calls/events", data=ring, headers=PBX)
            assert rang.status_code == 200, rang.text

            async def ringing_on_the_log() -> None:
                found = await read_json(environment.bootstrap, environment.topics.activity)
                assert any(e.get("type") == "CallRinging" for e in found), "not yet"

            await eventually(ringing_on_the_log, within=60, every=0.1)
            panel = page.locator("#call-panel")
            for order_id in (still_open, closed):
                await panel.locator(f"tr[data-order='{order_id}']").wait_for(timeout=ISSUE_BOUND_MS)
            assert await page.input_value("#call-form input[name=phone]") == CALLER
            rows = panel.locator("tr[data-order]")
            # Newest first, the closed one said so.
            assert await rows.nth(0).get_attribute("data-order") == still_open
            assert "已结束" in await rows.nth(1).inner_text()
            assert "赵" in await panel.locator("h2").inner_text()
            # The pop-up as docs/console.md shows it; GRIDLINE_UPDATE_SCREENSHOT=1 refreshes it.
            shot = tmp_path / SCREENSHOT.name
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if os.environ.get("GRIDLINE_UPDATE_SCREENSHOT"):
                shutil.copy(shot, SCREENSHOT)
            await panel.locator("[data-new-order]").click()
            focused = await page.evaluate("document.activeElement.name")
            assert focused == "category", focused

            # Without a PBX: the number typed into 来电号码 opens the same panel.
            await page.goto("/operator")
            await page.locator("body[data-live-state=open]").wait_for(timeout=30_000)
            assert await page.locator("#call-panel tr[data-order]").count() == 0
            await page.fill("#call-form input[name=phone]", CALLER)
            await page.keyboard.press("Tab")
            for order_id in (still_open, closed):
                await panel.locator(f"tr[data-order='{order_id}']").wait_for(timeout=10_000)
            assert "赵" in await panel.locator("h2").inner_text()
        finally:
            await browser.close()
