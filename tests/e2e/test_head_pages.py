"""The head's 交办任务 and a worker's ledger in real Chromium (issue 23), with scoring and the
router on the real broker: 钱主任 gives a task through the form — two workers ticked, the
deadline typed into the datetime field — and finds it listed 进行中 for both; the ledger page of
a worker with a pennant names who entered it. Screenshots docs/console-tasks.png and
docs/console-ledger.png (``GRIDLINE_UPDATE_SCREENSHOT=1``)."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from shared.clock import LOCAL_TZ
from tests.e2e.test_console import _shot
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

HEAD = token("head:USER_MAINTENANCE", "P-0200")


async def test_a_head_gives_a_task_in_the_browser_and_reads_a_ledger(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    async with run_system(environment, only=("scoring", "router")) as system:
        month = f"{datetime.now(LOCAL_TZ):%Y-%m}"
        pennant = await system.scoring.post(
            "/v1/workers/W-0301/entries",
            json={"rule": "PENNANT", "reason": "用户赠送锦旗", "evidence": "照片 IMG_0312"},
            headers=HEAD,
        )
        assert pennant.status_code == 201, pennant.text
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
                await page.fill("input[name=username]", "p-0200")
                await page.fill("input[name=password]", "gridline-demo")
                await page.click("button[type=submit]")
                await page.wait_for_load_state()
                await page.click("nav >> text=交办任务")
                form = page.locator("form.assign")
                await form.locator("input[name=title]").fill("迎峰度夏管网巡查")
                await form.locator("textarea[name=done_when]").fill(
                    "网格内阀门井全部巡查并上传照片"
                )
                due = datetime.now(LOCAL_TZ) + timedelta(days=3)
                await form.locator("input[name=deadline]").fill(f"{due:%Y-%m-%dT18:00}")
                await form.locator("input[value=W-0301]").check()
                await form.locator("input[value=W-0302]").check()
                async with page.expect_navigation():
                    await form.locator("button").click()
                assert "已交办：迎峰度夏管网巡查（褚建国、" in await page.inner_text(".flash")
                row = page.locator("table.tasks tr", has_text="迎峰度夏管网巡查")
                text = await row.inner_text()
                assert "进行中" in text and "褚建国" in text and f"{due:%m-%d} 18:00" in text, text
                await _shot(page, "tasks", tmp_path)

                await page.goto(f"/head/workers/W-0301?month={month}")
                item = page.locator("table.ledger tr", has_text="锦旗")
                assert "钱主任" in await item.inner_text()
                await _shot(page, "ledger", tmp_path)
            finally:
                await browser.close()
