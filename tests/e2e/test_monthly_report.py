"""月报 in real Chromium (issue 23): a head opens the monthly report and finds its charts drawn by
the ECharts shipped with the console — no request leaves the machine — and downloads the xlsx,
read back with openpyxl.

Intake, the router, the SLA service and scoring run on the real broker; 96568 calls received this
month and in the two months before are dispatched by the router, so intake counts them for the
department that handles them; the console calls the services over real ports."""

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, Request, Route, async_playwright

from shared.clock import LOCAL_TZ
from tests.e2e.test_console import _shot
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

OWN = "USER_MAINTENANCE"
OPERATOR = token("operator", "op-017")
HEAD = token(f"head:{OWN}", "P-0200")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def month_before(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def call(n: int, at: datetime, community: str, kind: str) -> dict[str, Any]:
    return {
        "ticket_id": f"96568-REPORT-{n:03d}",
        "received_at": at.isoformat(),
        "operator_id": "op-017",
        "customer": {"name": "李先生", "phone": f"1390635{n:04d}"},
        "address": {"district": "东昌府区", "community": community, "building": str(n)},
        "type": kind,
        "description": "月报测试",
    }


def the_calls(now: datetime) -> tuple[str, list[dict[str, Any]]]:
    """For 用户维修处: three 漏水 at 水城花园 this month and one last month (a hot spot), 水压低
    at 古楼社区 last month and two months ago (another), one 水压低 at 柳园小区 this month; and
    one 水表自转 this month, which 抄表处 handles. Calls about one community are 40 minutes
    apart, beyond intake's 30-minute area window, so none joins another's incident; "this
    month" is the month of three hours ago, so all of them lie in it and in the past."""
    month = f"{now - timedelta(hours=3):%Y-%m}"
    this = datetime.fromisoformat(f"{month}-01T00:05:00+08:00")
    last = datetime.fromisoformat(f"{month_before(month)}-10T09:00:00+08:00")
    before = datetime.fromisoformat(f"{month_before(month_before(month))}-10T09:00:00+08:00")
    calls = [
        call(1, this, "水城花园", "漏水"),
        call(2, this + timedelta(minutes=40), "水城花园", "漏水"),
        call(3, this + timedelta(minutes=80), "水城花园", "漏水"),
        call(4, this, "柳园小区", "水压低"),
        call(5, last, "水城花园", "漏水"),
        call(6, last, "古楼社区", "水压低"),
        call(7, before, "古楼社区", "水压低"),
        call(8, this + timedelta(minutes=120), "水城花园", "水表自转"),  # 抄表处's
    ]
    return month, calls


async def _signed_in_head(base: str, browser: Any) -> Page:
    context = await browser.new_context(
        base_url=base,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        accept_downloads=True,
    )
    page: Page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", "p-0200")
    await page.fill("input[name=password]", "gridline-demo")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    assert "/login" not in page.url, await page.inner_text("main")
    return page


async def _drawn(page: Page, chart: str) -> int:
    """The number of drawn shapes in the chart's SVG (ECharts' svg renderer)."""
    shapes: int = await page.locator(f"#{chart} svg").first.evaluate(
        "svg => svg.querySelectorAll('path, rect, polyline, text').length"
    )
    return shapes


async def test_a_head_opens_the_monthly_report_drawn_locally_and_downloads_it(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    month, calls = the_calls(datetime.now(LOCAL_TZ))
    async with run_system(environment, None, ("intake", "router", "sla", "scoring")) as system:
        for body in calls:
            got = await system.intake.post("/v1/orders/96568", json=body, headers=OPERATOR)
            assert got.status_code in (200, 201, 202), got.text

        async def counted() -> None:
            # Counted for a department once the router's dispatch reached intake.
            for who, totals in ((HEAD, [4, 2, 1]), (token("ops"), [5, 2, 1])):
                got = await system.intake.get(
                    "/v1/reports/orders", params={"month": month}, headers=who
                )
                body = got.json()
                assert [m["total"] for m in body["months"]] == totals, body

        await eventually(counted, within=30)
        pennant = await system.scoring.post(
            "/v1/workers/W-0301/entries",
            json={"rule": "PENNANT", "reason": "获赠锦旗", "month": month},
            headers=HEAD,
        )
        assert pennant.status_code == 201, pennant.text

        async with (
            console_on_a_port(environment, system.apps) as base,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=executable)
            outside: list[str] = []

            async def only_local(route: Route) -> None:
                if urlparse(route.request.url).hostname in LOCAL_HOSTS:
                    await route.continue_()
                else:
                    outside.append(route.request.url)
                    await route.abort()

            def seen(request: Request) -> None:
                host = urlparse(request.url).hostname
                if request.url.startswith("http") and host not in LOCAL_HOSTS:
                    outside.append(request.url)

            try:
                head = await _signed_in_head(base, browser)
                await head.context.route("**/*", only_local)
                head.context.on("request", seen)
                await head.goto(f"/report?month={month}")
                await head.wait_for_load_state("networkidle")
                main = await head.inner_text("main")
                assert f"{month} 月报" in main and "用户维修处" in main, main
                assert "本月受理工单 4 件" in main, main
                for chart in (
                    "chart-categories",
                    "chart-communities",
                    "chart-hotspots",
                    "chart-trend",
                ):
                    assert await _drawn(head, chart) > 5, chart
                # Printed in black and white the bars differ by pattern (aria.decal).
                patterns = await head.locator("#chart-categories svg pattern").count()
                assert patterns > 0
                hot = await head.inner_text("section:has(#chart-hotspots) table")
                assert "水城花园" in hot and "漏水" in hot and "古楼社区" in hot, hot
                leak = head.locator("section:has(#chart-categories) tbody tr", has_text="漏水")
                assert await leak.locator("td").all_inner_texts() == [
                    "漏水",
                    "3",
                    "1",
                    "+2（+200%）",
                ]
                assert "水表自转" not in main  # 抄表处's order is not this head's
                await _shot(head, "report", tmp_path)

                async with head.expect_download(timeout=120_000) as downloading:
                    await head.click("a[href^='/report.xlsx']")
                download = await downloading.value
                saved = tmp_path / "report.xlsx"
                await download.save_as(saved)
                assert outside == [], outside
            finally:
                await browser.close()

    book = load_workbook(io.BytesIO(saved.read_bytes()))
    assert book.sheetnames == [
        "按类别",
        "按小区",
        "热点难点",
        "网格按时率满意率",
        "网格员得分",
        "得分趋势",
    ]
    sheet = book["按类别"]
    assert sheet["A1"].value == f"用户维修处 {month} 月报 · 按类别"
    rows = {r[0]: r[1:4] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["漏水"] == (3, 1, 2) and rows["水压低"] == (1, 1, 0), rows
    assert sheet.auto_filter.ref == "A2:E4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert len(sheet._charts) == 1
    spots = [r[:4] for r in book["热点难点"].iter_rows(min_row=3, values_only=True)]
    assert ("水城花园", "漏水", 2, 4) in spots and ("古楼社区", "水压低", 2, 2) in spots, spots
    workers = {r[0] for r in book["网格员得分"].iter_rows(min_row=3, values_only=True)}
    assert workers == {"褚建国", "卫东", "蒋涛", "沈丽"}, workers  # the department's only
    trend = book["得分趋势"]
    assert [c.value for c in trend[2]][-1] == month and len(trend._charts) == 1
    chu = next(r for r in trend.iter_rows(min_row=3, values_only=True) if r[0] == "褚建国")
    assert chu[-1] > 100, chu  # the base, and the pennant's +3 on top
