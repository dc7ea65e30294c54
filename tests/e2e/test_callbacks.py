"""回访 in real Chromium (issue 20): the operator calls back a 96568 caller whose order was
resolved and records 不满意 with one tap — the order is reopened, back to its last holder for a
second round, as the 12345 platform's 回访 does its orders.

Intake, the router and the SLA run on the real broker, on a clock set to a Friday's day shift so
the grid's A post is at work whatever the hour the test runs; the console calls them over real
ports."""

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from tests.e2e.test_console import _shot
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.integration.test_followup_flow import (
    ORDER_DAY_0930,
    dispatches,
    sign_and_resolve,
    view,
)
from tests.support.clocks import RunningClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

OPERATOR = token("operator", "op-017")


def call() -> dict[str, Any]:
    return {
        "ticket_id": "96568-CALLBACK-E2E",
        "received_at": ORDER_DAY_0930.isoformat(),
        "operator_id": "op-017",
        "customer": {"name": "王先生", "phone": "13906351234"},
        "address": {"district": "东昌府区", "community": "水城花园", "building": "3"},
        "type": "漏水",
        "description": "厨房水管漏水",
    }


async def test_a_96568_callback_recorded_as_dissatisfied_in_the_console_reopens_the_order(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    clock = RunningClock(ORDER_DAY_0930)
    services = ("intake", "router", "sla")
    async with run_system(environment, dict.fromkeys(services, clock), services) as system:
        created = await system.intake.post("/v1/orders/96568", json=call(), headers=OPERATOR)
        assert created.status_code == 201, created.text
        order_id = str(created.json()["order_id"])

        async def dispatched() -> None:
            assert len(await dispatches(system, order_id)) == 1

        await eventually(dispatched)
        await sign_and_resolve(system, order_id, "更换阀门")

        async def due() -> None:
            got = await system.intake.get("/v1/callbacks/due", headers=OPERATOR)
            assert order_id in {i["order_id"] for i in got.json()["items"]}, got.text

        await eventually(due)
        async with (
            console_on_a_port(environment, system.apps) as base,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=executable)
            try:
                context = await browser.new_context(
                    base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
                )
                page = await context.new_page()
                await page.goto("/login")
                await page.fill("input[name=username]", "operator")
                await page.fill("input[name=password]", "gridline-demo")
                await page.click("button[type=submit]")
                await page.wait_for_load_state()
                await page.click("nav >> text=回访")
                row = page.locator("tr.callback", has_text=order_id)
                assert "王先生" in await row.inner_text()
                await _shot(page, "callbacks", tmp_path)
                await row.locator("input[name=opinion]").fill("水管还在滴水")
                await row.locator("button", has_text="不满意").click()
                await page.wait_for_load_state()
                flash = await page.inner_text(".flash")
                assert f"已回访 {order_id}：不满意，工单已重新打开" in flash, flash
                assert await page.locator("tr.callback", has_text=order_id).count() == 0
            finally:
                await browser.close()

        async def back_to_its_holder() -> None:
            seen = await view(system, order_id)
            types = [e["type"] for e in seen["timeline"]]
            assert "CallbackRecorded" in types and "OrderReopened" in types, types
            again = await dispatches(system, order_id)
            assert len(again) == 2 and again[1]["assignee_id"] == "W-0301", again

        await eventually(back_to_its_holder, within=30)
