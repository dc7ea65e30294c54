"""The console as its users work in it, in real Chromium, through the whole system started as
`gridline up` starts it: an operator takes a 96568 call, the grid worker handles it on a phone,
the head scores the month; refusals are in Chinese, forms need their CSRF token, and five wrong
passwords lock an account."""

import io
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from shared.clock import to_local
from tests.e2e.test_newcomer import GRIDLINE, Started, gridline_up
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.polling import eventually

# A whole `gridline up` (eight processes): one at a time (xdist_group).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("gridline-up")]

DOCS = Path(__file__).resolve().parents[2] / "docs"
PASSWORD = "gridline-demo"
PHONE = "13912340001"


def _token(role: str) -> str:
    return subprocess.run(
        [GRIDLINE, "token", "--role", role], check=True, capture_output=True, text=True
    ).stdout.strip()


async def _signed_in(browser: Browser, base: str, who: str, width: int = 1280) -> Page:
    context = await browser.new_context(
        base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN"
    )
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", who)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    assert "/login" not in page.url, await page.inner_text("main")
    return page


async def _shot(page: Page, name: str, tmp: Path) -> None:
    """Each user's main page; ``GRIDLINE_UPDATE_SCREENSHOT=1`` refreshes docs/console-*.png."""
    path = tmp / f"console-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    if os.environ.get("GRIDLINE_UPDATE_SCREENSHOT"):
        shutil.copy(path, DOCS / path.name)


def _beijing(iso: str) -> str:
    return to_local(datetime.fromisoformat(iso)).strftime("%m-%d %H:%M")


async def _sla_clocks(started: Started, order_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.get(
            f"{started.url('sla')}/v1/sla/orders/{order_id}",
            headers={"Authorization": f"Bearer {_token('ops')}"},
        )
    assert answer.status_code == 200, answer.text
    # The sign-for clock the SLA runs for the assignee is the chain's (the router's ack_due).
    return {
        d["kind"]: d
        for d in answer.json()["deadlines"]
        if d["state"] == "open" and (d["kind"] != "acknowledge" or d["purpose"] == "chain")
    }


async def _head_puts_the_a_post_on_duty(browser: Browser, base: str) -> Page:
    """Whatever the hour of the test, 褚建国 (A post of UM-DC-03) is on duty: the head says so
    on the roster page, as a head would for a Saturday call-in."""
    head = await _signed_in(browser, base, "p-0200")
    await head.goto("/head/roster")
    now = datetime.now().astimezone()
    form = head.locator("form.override")
    await form.locator("select[name=person_id]").select_option("W-0301")
    await form.locator("input[name=from]").fill(
        to_local(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    await form.locator("input[name=to]").fill(
        to_local(now + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M")
    )
    await form.locator("select[name=available]").select_option("true")
    await form.locator("input[name=reason]").fill("测试加班")
    # From now, not from the next handover: 立即生效, confirmed after the page names who is on
    # duty now.
    await form.locator("input[name=immediate]").check()
    await form.locator("button").click()
    confirm = head.locator("#confirm")
    assert "现在值班" in await confirm.inner_text()
    assert "褚建国" in await confirm.inner_text()
    await confirm.locator("button").click()
    assert "已更新 褚建国 的在岗调整" in await head.inner_text(".flash")

    # The week as a calendar, and a swap on it: tomorrow 林峰 holds 维修一班's duty.
    assert await head.locator("table.calendar tbody tr").count() == 7
    tomorrow = to_local(now + timedelta(days=1))
    swap = head.locator("form.swap")
    await swap.locator("select[name=unit]").select_option("UM-T1")
    await swap.locator("input[name=date]").fill(tomorrow.strftime("%Y-%m-%d"))
    await swap.locator("select[name=person]").select_option("P-0211")
    await swap.locator("input[name=reason]").fill("换班")
    await swap.locator("button").click()
    assert "由 林峰 值班" in await head.inner_text(".flash")
    day = head.locator("table.calendar tbody tr", has_text=tomorrow.strftime("%m-%d"))
    column = await head.locator("table.calendar thead th").all_inner_texts()
    cells = await day.locator("td").all_inner_texts()
    assert cells[column.index("维修一班")] == "林峰", cells
    return head


async def _operator_takes_the_call(browser: Browser, base: str, tmp: Path) -> str:
    operator = await _signed_in(browser, base, "operator")
    assert operator.url.endswith("/operator")

    async def fill(page: Page) -> None:
        await page.fill("input[name=caller_name]", "王先生")
        await page.fill("input[name=phone]", PHONE)
        await page.fill("input[name=community]", "水城花园")
        await page.fill("input[name=building]", "3")
        await page.select_option("select[name=category]", "LEAK")
        await page.fill("textarea[name=description]", "厨房水管漏水")

    await fill(operator)
    preview = operator.locator("#preview .routing")
    await preview.wait_for()
    shown = await preview.inner_text()
    assert "用户维修处" in shown and "UM-DC-03" in shown and "褚建国" in shown and "A岗" in shown
    async with operator.expect_navigation():
        await operator.click("#call-form button[type=submit]")
    # Back to an empty form for the next call, the new order's number linked above it.
    order_id = await operator.inner_text(".created a")
    assert f"已受理，工单号 {order_id}" in await operator.inner_text(".created")

    # The same caller rings again: before submitting, the operator is warned.
    await operator.goto("/operator")
    await fill(operator)
    warning = operator.locator("#preview .warn").first
    await warning.wait_for()
    assert f"该地址已有在办工单 {order_id}" in await warning.inner_text()
    await operator.locator("#preview .routing").wait_for()
    await _shot(operator, "operator", tmp)
    await operator.context.close()
    return order_id


async def _grid_worker_handles_it(
    browser: Browser, started: Started, order_id: str, tmp: Path
) -> None:
    worker = await _signed_in(browser, started.url("console"), "w-0301", width=360)
    assert worker.url.endswith("/inbox")
    row = worker.locator("ul.inbox li", has_text=order_id)

    async def listed_with_the_sla_deadlines() -> str:
        await worker.reload()
        text = await row.inner_text()
        clocks = await _sla_clocks(started, order_id)
        # The inbox shows the SLA service's own deadlines, not a second computation.
        assert f"签收时限 {_beijing(clocks['acknowledge']['due'])}" in text, text
        assert f"办结时限 {_beijing(clocks['resolve']['due'])}" in text, text
        return text

    text = await eventually(listed_with_the_sla_deadlines, within=30, every=1)
    assert "水城花园" in text and "王先生" in text
    await _shot(worker, "inbox", tmp)
    width = await worker.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the inbox scrolls sideways on a phone: {width}px"

    # The dispatch reached the worker as a message (the local receiver's record, 消息); its
    # signed link opens the order, and 签收 is one tap there (issue 10).
    message = worker.locator("table.messages tr", has_text=order_id).locator("a.open-link")

    async def told() -> None:
        await worker.goto("/messages")
        assert await message.count() >= 1, await worker.inner_text("main")

    await eventually(told, within=30, every=1)
    await message.first.click()
    assert worker.url.endswith(f"/orders/{order_id}"), worker.url
    # Before 签收 only 签收 (and 退单) is offered; one 签收时限; the caller is a tel: link for the
    # assignee (issue 19).
    assert await worker.locator("form[action$='/resolve']").count() == 0
    assert await worker.locator("ul.clocks li.clock-acknowledge").count() == 1
    assert await worker.locator(f"a[href='tel:{PHONE}']").count() == 1
    await worker.click("form[action$='/acknowledge'] button")
    assert "签收成功" in await worker.inner_text(".flash")
    tomorrow = to_local(datetime.now().astimezone() + timedelta(days=1)).strftime("%Y-%m-%dT15:00")
    await worker.fill("input[name=appointment_at]", tomorrow)
    await worker.click("form[action$='/appointment'] button")
    assert "预约成功" in await worker.inner_text(".flash")
    await worker.fill("textarea[name=handling_notes]", "更换阀门，已修复")
    await worker.fill("textarea[name=public_reply]", "您好，您反映的漏水已修复")
    await worker.click("form[action$='/resolve'] button")
    assert "办结成功" in await worker.inner_text(".flash")
    assert "已办结" in await worker.inner_text("dl.facts")

    # A form post without the session's CSRF token is refused.
    refused = await worker.request.post(
        f"/orders/{order_id}/progress", form={"note": "没有令牌"}, max_redirects=0
    )
    assert refused.status == 403 and "CSRF" in await refused.text()
    forged = await worker.request.post(
        f"/orders/{order_id}/progress",
        form={"note": "伪造", "csrf_token": "not-the-token"},
        max_redirects=0,
    )
    assert forged.status == 403
    await worker.context.close()


async def _head_scores_the_month(browser: Browser, head: Page, order_id: str, tmp: Path) -> None:
    row = head.locator("table.scores tr", has_text="褚建国")

    async def counted() -> None:
        await head.goto("/head")
        assert await row.locator("td.orders-count").inner_text() == "1"

    await eventually(counted, within=40, every=1)
    before = int(await row.locator("td.final").inner_text())
    form = head.locator("form.entry")
    await form.locator("select[name=worker_id]").select_option("W-0301")
    await form.locator("select[name=rule]").select_option("PENNANT")
    await form.locator("input[name=reason]").fill("用户赠送锦旗，流动红旗")
    await form.locator("input[name=evidence]").fill("照片 IMG_0312")
    await form.locator("button").click()
    assert "已记录：褚建国" in await head.inner_text(".flash")
    after = int(await row.locator("td.final").inner_text())
    assert after == before + 3  # 锦旗 +3 (Art. 18)
    await _shot(head, "head", tmp)

    async with head.expect_download() as download:
        await head.click("text=下载 Excel")
    saved = tmp / "scores.xlsx"
    await (await download.value).save_as(saved)
    book = load_workbook(io.BytesIO(saved.read_bytes()))
    sheet = book.worksheets[0]
    assert "用户维修处" in str(sheet["A1"].value)  # the title row: department and month
    headers = [c.value for c in sheet[2]]
    assert {"姓名", "部门", "最终得分"} <= set(headers)
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    mine = next(r for r in rows if r[headers.index("姓名")] == "褚建国")
    assert mine[headers.index("部门")] == "用户维修处"
    assert mine[headers.index("最终得分")] == after
    name_column = sheet.cell(2, headers.index("姓名") + 1).column_letter
    assert (sheet.column_dimensions[name_column].width or 0) >= 6


async def _duty_room_sees_the_day(browser: Browser, base: str, tmp: Path) -> None:
    ops = await _signed_in(browser, base, "ops")
    assert ops.url.endswith("/duty")
    assert "时限看板" in await ops.inner_text("main")
    await _shot(ops, "duty", tmp)
    await ops.context.close()


async def _another_department_is_refused(browser: Browser, base: str, order_id: str) -> None:
    other = await _signed_in(browser, base, "w-0101")
    answer = await other.goto(f"/orders/{order_id}")
    assert answer is not None and answer.status == 403
    assert "无权" in await other.inner_text("main")
    await other.context.close()


async def _five_wrong_passwords_lock_the_account(context: BrowserContext) -> None:
    page = await context.new_page()
    for attempt in range(5):
        await page.goto("/login")
        await page.fill("input[name=username]", "w-0302")
        await page.fill("input[name=password]", f"wrong-{attempt}")
        await page.click("button[type=submit]")
        message = await page.inner_text(".flash.error")
    assert "已锁定" in message
    await page.fill("input[name=username]", "w-0302")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    assert page.url.endswith("/login") and "已锁定" in await page.inner_text(".flash.error")


async def _head_reorders_a_rotation(head: Page) -> None:
    """The head writes the team's duty order by name, as on the paper rota (issue 9)."""
    await head.goto("/head/roster")
    row = head.locator("table.list").first.locator("tbody tr", has_text="维修一班")
    before = (await row.locator("td").nth(2).inner_text()).split(" → ")
    assert len(before) >= 2, before
    after = [*reversed(before)]
    form = head.locator("form.rotation")
    await form.locator("select[name=unit]").select_option("UM-T1")
    await form.locator("input[name=people]").fill("、".join(after))
    await form.locator("input[name=reason]").fill("调整轮值")
    await form.locator("button").click()
    assert "已更新轮值顺序：" + " → ".join(after) in await head.inner_text(".flash")
    # Saved without 立即生效, it waits for the next 08:00 handover (issue 19).
    shown = head.locator("table.list").first.locator("tbody tr", has_text="维修一班")
    cell = await shown.locator("td").nth(2).inner_text()
    assert cell.splitlines()[0].split(" → ") == before, cell
    assert "08:00 起：" + " → ".join(after) in cell, cell
    await form.locator("input[name=people]").fill("无此人")
    await form.locator("button").click()
    assert "本部门没有这些人员：无此人" in await head.inner_text(".flash.error")


async def _worker_posts_a_notice(browser: Browser, started: Started) -> None:
    """A restoration notice for 水城花园 becomes the A post's task (issue 11): the text to copy
    in one tap, and 已发送 once it is in the owners' group."""
    now = datetime.now().astimezone()
    async with httpx.AsyncClient(base_url=started.url("outreach")) as outreach:
        begun = await outreach.post(
            "/v1/campaigns",
            json={
                "template": "UM_RESTORATION",
                "communities": ["水城花园"],
                "starts_at": (now - timedelta(hours=3)).isoformat(),
                "ends_at": (now - timedelta(minutes=5)).isoformat(),
                "reason": "主管道抢修",
            },
            headers={"Authorization": f"Bearer {_token('operator')}"},
        )
    assert begun.status_code == 201, begun.text
    worker = await _signed_in(browser, started.url("console"), "w-0301", width=360)
    await worker.goto("/notices")
    task = worker.locator("li.notice", has_text="水城花园")
    assert "主管道抢修已完成" in await task.locator("textarea").input_value()
    await task.locator("button.copy").click()

    async def copied() -> None:
        assert await task.locator("button.copy").inner_text() == "已复制"

    await eventually(copied, within=10)
    await task.locator("form.sent button").click()
    assert "已标记发送：水城花园" in await worker.inner_text(".flash")
    assert "已发送" in await worker.locator("li.notice", has_text="水城花园").inner_text()
    await worker.context.close()


async def test_operator_grid_worker_and_head_work_one_order_through_the_console(
    tmp_path: Path,
) -> None:
    chromium = chromium_or_skip()  # Debian's; never Playwright's own download
    async with gridline_up(tmp_path) as started, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        base = started.url("console")
        try:
            head = await _head_puts_the_a_post_on_duty(browser, base)
            order_id = await _operator_takes_the_call(browser, base, tmp_path)
            await _grid_worker_handles_it(browser, started, order_id, tmp_path)
            await _head_scores_the_month(browser, head, order_id, tmp_path)
            await _duty_room_sees_the_day(browser, base, tmp_path)
            await _another_department_is_refused(browser, base, order_id)
            await _head_reorders_a_rotation(head)
            await _worker_posts_a_notice(browser, started)
            await _five_wrong_passwords_lock_the_account(
                await browser.new_context(base_url=base, locale="zh-CN")
            )
        finally:
            await browser.close()
