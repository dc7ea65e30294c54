"""The 96568 受理 form at keyboard speed (issue 21), in real Chromium with intake and the router
on the real broker: the cursor starts in 来电号码, ``schy`` picks 水城花园 and ``ls`` picks 漏水
(pinyin initials, computed by the server), Enter submits, and the form comes back empty for the
next call with the cursor in 来电号码 again and the new order's number, linked, above it; an
appointment in the past is refused."""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from shared.clock import LOCAL_TZ
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.e2e


async def test_a_call_typed_from_the_keyboard_leaves_an_empty_form_for_the_next(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    async with (
        run_system(environment, only=("intake", "router")) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(base_url=base, locale="zh-CN")
            page = await context.new_page()
            await page.goto("/login")
            await page.fill("input[name=username]", "operator")
            await page.fill("input[name=password]", "gridline-demo")
            await page.click("button[type=submit]")
            await page.wait_for_url("**/operator")

            async def focused() -> str:
                name: str = await page.evaluate("document.activeElement.name || ''")
                return name

            assert await focused() == "phone"
            await page.keyboard.type("13906351234")
            await page.focus("input[name=community]")
            await page.keyboard.type("schy")
            await page.keyboard.press("Tab")
            assert await page.input_value("input[name=community]") == "水城花园"
            await page.fill("input[name=building]", "3")
            await page.focus("#category-typeahead")
            await page.keyboard.type("ls")
            assert await page.input_value("select[name=category]") == "LEAK"
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            created = page.locator(".created a")
            number = await created.inner_text()
            assert re.fullmatch(r"GL-\S+", number), number
            assert await created.get_attribute("href") == f"/orders/{number}"
            assert f"已受理，工单号 {number}" in await page.inner_text(".created")
            assert await focused() == "phone"
            for field in ("phone", "community", "building"):
                assert await page.input_value(f"input[name={field}]") == "", field
            assert await page.input_value("select[name=category]") == ""

            # The appointment field starts at now; a time already past is refused all the same.
            earliest = await page.get_attribute("input[name=appointment]", "min")
            now = datetime.now(LOCAL_TZ)
            assert earliest and earliest >= f"{now - timedelta(minutes=2):%Y-%m-%dT%H:%M}"
            csrf = await page.get_attribute("input[name=csrf_token]", "value")
            past = await page.request.post(
                "/operator/calls",
                form={
                    "csrf_token": csrf or "",
                    "phone": "13906351234",
                    "community": "水城花园",
                    "category": "LEAK",
                    "appointment": f"{now - timedelta(days=1):%Y-%m-%dT%H:%M}",
                },
                max_redirects=0,
            )
            assert past.status == 422 and "已过，须晚于现在" in await past.text()
        finally:
            await browser.close()
