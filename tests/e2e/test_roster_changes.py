"""A roster edit never wakes the wrong person, in real Chromium (issue 19 item 3): a rotation
saved at 04:09 leaves tonight's person on duty, the new list waiting for the 08:00 handover;
立即生效 first names who is on duty now and who will be woken, and changes nothing until the
head confirms it. The router runs at 04:09 Beijing time on a manual clock."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright

from shared.clock import LOCAL_TZ, Clock, ManualClock, to_local
from tests.e2e.test_console import _shot
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.e2e


def _team(page: Page) -> Locator:
    return page.locator("table.list").first.locator("tbody tr", has_text="维修一班")


async def _on_duty(page: Page) -> str:
    await page.goto("/head/roster")
    return await _team(page).locator("td").nth(1).inner_text()


async def _save_rotation(page: Page, people: list[str], immediate: bool) -> None:
    form = page.locator("form.rotation")
    await form.locator("select[name=unit]").select_option("UM-T1")
    await form.locator("input[name=people]").fill("、".join(people))
    await form.locator("input[name=reason]").fill("调整轮值")
    if immediate:
        await form.locator("input[name=immediate]").check()
    await form.locator("button").click()


async def test_a_rotation_saved_at_night_leaves_tonights_person_on_duty_unless_confirmed(
    environment: Environment, tmp_path: Path
) -> None:
    executable = chromium_or_skip()
    night = datetime.combine(to_local(datetime.now(LOCAL_TZ)).date(), time(4, 9), LOCAL_TZ)
    clocks: dict[str, Clock] = {"router": ManualClock(night)}
    async with (
        run_system(environment, clocks, ("router",)) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
            )
            head = await context.new_page()
            await head.goto("/login")
            await head.fill("input[name=username]", "p-0200")
            await head.fill("input[name=password]", "gridline-demo")
            await head.click("button[type=submit]")
            tonight = await _on_duty(head)
            listed = (await _team(head).locator("td").nth(2).inner_text()).split(" → ")
            # The same people, each one place on: tonight's place names someone else.
            people = [*listed[1:], listed[0]]
            page = await head.inner_text("main")
            assert "未来七天值班（每日 08:00 交接班起）" in page and "12:00" not in page, page

            await _save_rotation(head, people, immediate=False)
            assert "当前值班人不变" in await head.inner_text(".flash")
            assert await _on_duty(head) == tonight
            cell = await _team(head).locator("td").nth(2).inner_text()
            assert "08:00 起：" + " → ".join(people) in cell, cell

            await _save_rotation(head, people, immediate=True)
            confirm = head.locator("#confirm")
            said = await confirm.inner_text()
            woken = next(p for p in people if p != tonight and f"改为 {p}" in said)
            assert f"现在值班：维修一班 {tonight}" in said, said
            assert f"此后的升级将叫醒 {woken}" in said, said
            await _shot(head, "roster-confirm", tmp_path)
            assert await _on_duty(head) == tonight  # nothing changed before the confirmation

            await _save_rotation(head, people, immediate=True)
            await head.locator("#confirm button").click()
            assert "（立即生效）" in await head.inner_text(".flash")
            assert await _on_duty(head) == woken
            newest = await head.locator("table.audit tbody tr").first.inner_text()
            assert "轮值顺序" in newest and "维修一班" in newest and "钱主任" in newest, newest

            # Leave shows on the week's calendar, on each day it covers.
            tomorrow = to_local(night).date() + timedelta(days=1)
            leave = head.locator("form.leave")
            await leave.locator("select[name=person_id]").select_option(label="高强")
            await leave.locator("input[name=from]").fill(tomorrow.isoformat())
            await leave.locator("input[name=to]").fill(tomorrow.isoformat())
            await leave.locator("input[name=reason]").fill("年假")
            await leave.locator("button").click()
            day = head.locator(
                f'table.calendar tbody tr:has(td:first-child:has-text("{tomorrow:%m-%d}"))'
            )
            assert "高强" in await day.locator("td.leave").inner_text()
            await _shot(head, "roster", tmp_path)
        finally:
            await browser.close()


async def test_a_swap_and_leave_are_removed_from_the_page_and_the_removal_is_on_the_record(
    environment: Environment,
) -> None:
    executable = chromium_or_skip()
    night = datetime.combine(to_local(datetime.now(LOCAL_TZ)).date(), time(4, 9), LOCAL_TZ)
    clocks: dict[str, Clock] = {"router": ManualClock(night)}
    later = to_local(night).date() + timedelta(days=3)
    async with (
        run_system(environment, clocks, ("router",)) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(base_url=base, locale="zh-CN")
            head = await context.new_page()
            await head.goto("/login")
            await head.fill("input[name=username]", "p-0200")
            await head.fill("input[name=password]", "gridline-demo")
            await head.click("button[type=submit]")
            await head.goto("/head/roster")
            leave = head.locator("form.leave")
            await leave.locator("select[name=person_id]").select_option(label="高强")
            await leave.locator("input[name=from]").fill(later.isoformat())
            await leave.locator("input[name=to]").fill(later.isoformat())
            await leave.locator("button").click()
            swap = head.locator("form.swap")
            await swap.locator("select[name=unit]").select_option("UM-T1")
            await swap.locator("input[name=date]").fill(later.isoformat())
            await swap.locator("button").click()
            assert later.isoformat() in await _team(head).locator("td").nth(3).inner_text()

            await _team(head).locator("form.remove button").click()
            assert "已撤销换班" in await head.inner_text(".flash")
            assert later.isoformat() not in await _team(head).locator("td").nth(3).inner_text()
            newest = await head.locator("table.audit tbody tr").first.inner_text()
            assert "换班" in newest and "撤销换班" in newest, newest

            listed = head.locator("li", has_text="高强")
            await listed.locator("form.remove button").click()
            assert "已撤销请假" in await head.inner_text(".flash")
            assert await head.locator("li", has_text="高强").count() == 0
            newest = await head.locator("table.audit tbody tr").first.inner_text()
            assert "请假" in newest and "撤销请假" in newest, newest
        finally:
            await browser.close()


async def test_a_swap_override_or_leave_for_tonight_waits_for_the_confirmation_naming_who_is_woken(
    environment: Environment, tmp_path: Path
) -> None:
    """换班, 在岗调整 and 请假 follow the rotation's rule: a change to the duty day under way is
    refused without 立即生效, and with it the page first names who is on duty now and whom the
    next escalation will wake; nothing changes until the head confirms."""
    executable = chromium_or_skip()
    night = datetime.combine(to_local(datetime.now(LOCAL_TZ)).date(), time(4, 9), LOCAL_TZ)
    duty_day = night.date() - timedelta(days=1)  # before 08:00: yesterday's duty day runs on
    clocks: dict[str, Clock] = {"router": ManualClock(night)}
    async with (
        run_system(environment, clocks, ("router",)) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            context = await browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
            )
            head = await context.new_page()
            await head.goto("/login")
            await head.fill("input[name=username]", "p-0200")
            await head.fill("input[name=password]", "gridline-demo")
            await head.click("button[type=submit]")
            tonight = await _on_duty(head)
            listed = (await _team(head).locator("td").nth(2).inner_text()).split(" → ")
            other = next(p for p in listed if p != tonight)

            async def swap(immediate: bool) -> None:
                form = head.locator("form.swap")
                await form.locator("select[name=unit]").select_option("UM-T1")
                await form.locator("input[name=date]").fill(duty_day.isoformat())
                await form.locator("select[name=person]").select_option(label=other)
                if immediate:
                    await form.locator("input[name=immediate]").check()
                await form.locator("button").click()

            await swap(immediate=False)
            assert "立即生效" in await head.inner_text(".flash.error")
            assert await _on_duty(head) == tonight

            await swap(immediate=True)
            said = await head.locator("#confirm").inner_text()
            assert f"现在值班：维修一班 {tonight}" in said, said
            assert f"值班人立即由 {tonight} 改为 {other}" in said, said
            assert f"此后的升级将叫醒 {other}" in said, said
            await _shot(head, "roster-swap-confirm", tmp_path)
            assert await _on_duty(head) == tonight  # nothing changed before the confirmation
            await head.goto("/head/roster")
            await swap(immediate=True)
            await head.locator("#confirm button").click()
            assert "（立即生效）" in await head.inner_text(".flash")
            assert await _on_duty(head) == other

            # Tonight's person away at once: the page names whom the escalation wakes instead.
            form = head.locator("form.override")
            await form.locator("select[name=person_id]").select_option(label=other)
            await form.locator("input[name=from]").fill(f"{night:%Y-%m-%dT%H:%M}")
            await form.locator("input[name=to]").fill(
                f"{night + timedelta(hours=2):%Y-%m-%dT%H:%M}"
            )
            await form.locator("select[name=available]").select_option("false")
            await form.locator("input[name=immediate]").check()
            await form.locator("button").click()
            said = await head.locator("#confirm").inner_text()
            assert f"现在值班：维修一班 {other}" in said, said
            assert "此后的升级将叫醒 " in said and f"（现为 {other}）" in said, said

            # Leave that covers today is refused without 立即生效, then confirmed like the rest.
            await head.goto("/head/roster")
            leave = head.locator("form.leave")
            await leave.locator("select[name=person_id]").select_option(label=other)
            await leave.locator("input[name=from]").fill(night.date().isoformat())
            await leave.locator("input[name=to]").fill(night.date().isoformat())
            await leave.locator("button").click()
            assert "立即生效" in await head.inner_text(".flash.error")
            assert await head.locator("li", has_text=other).count() == 0
            leave = head.locator("form.leave")
            await leave.locator("select[name=person_id]").select_option(label=other)
            await leave.locator("input[name=from]").fill(night.date().isoformat())
            await leave.locator("input[name=to]").fill(night.date().isoformat())
            await leave.locator("input[name=immediate]").check()
            await leave.locator("button").click()
            said = await head.locator("#confirm").inner_text()
            assert f"{other} 请假" in said and f"（现为 {other}）" in said, said
            await head.locator("#confirm button").click()
            assert "（立即生效）" in await head.inner_text(".flash")
            assert await head.locator("li", has_text=other).count() == 1
        finally:
            await browser.close()
