"""消息, the order page and 值班室 update themselves on an open page, without reload (issue 19
item 6): none of them polls, so only the push can bring the change. The order page also keeps
its promises here: one clock per kind, the forms in step order (签收, then 预约 and 办结, 办结
never before 签收), an overdue clock in red, and the holder's work phone as a ``tel:`` link.

Each 2 s bound runs from the moment the test itself finds the fact the page shows already
recorded by the service that owns it (notify's message in its record, the router's 签收, the
SLA's red card on the log): a bounded condition wait with the issue's own figure. What comes
before is waited on with generous bounds. The router and the SLA share a manual clock that
starts at the real time (the console keeps the real one, which checks the services' tokens)."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from shared.clock import LOCAL_TZ, Clock, ManualClock
from tests.e2e.test_duty_room import console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

pytestmark = pytest.mark.e2e

OPERATOR = token("operator", "op-017")
OPS = token("ops", "P-0410")
ISSUE_BOUND_MS = 2_000
RED = "rgb(161, 29, 29)"  # ul.clocks li.late in console.css


async def _signed_in(browser: Browser, base: str, username: str) -> Page:
    context = await browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "gridline-demo")
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def _live(page: Page, path: str) -> None:
    """The page open with its stream, the console's reader at the log's end, and a mark that a
    reload would wipe."""
    await page.goto(path)
    await page.locator("body[data-live-state=open]").wait_for(timeout=30_000)
    await page.evaluate("window.stillThisPage = true")


async def _not_reloaded(*pages: Page) -> None:
    for page in pages:
        assert await page.evaluate("window.stillThisPage") is True, page.url


def _call(at: datetime) -> dict[str, Any]:
    """A 96568 call as the operator's desk posts it (the order page reads intake's record)."""
    return {
        "ticket_id": "96568-LIVE-PAGES",
        "received_at": at.isoformat(),
        "operator_id": "op-017",
        "customer": {"name": "王先生", "phone": "13906351234"},
        "address": {"district": "东昌府区", "community": "水城花园", "building": "5"},
        "type": "漏水",
        "description": "厨房水管漏水",
    }


async def _on_the_log(env: Environment, order_id: str, kind: str, **fields: str) -> dict[str, Any]:
    found = [
        e
        for topic in (env.topics.orders, env.topics.activity)
        for e in await read_json(env.bootstrap, topic)
        if e.get("type") == kind and e.get("order_id") == order_id
    ]
    matching = [e for e in found if all(e["payload"].get(k) == v for k, v in fields.items())]
    assert matching, f"no {kind} {fields} yet"
    return matching[-1]


async def _recorded(system: System, order_id: str) -> None:
    """notify's record of a message for the order: what 消息 lists."""
    assert system.notify is not None
    shown = await system.notify.get("/v1/messages", params={"order_id": order_id}, headers=OPS)
    assert shown.status_code == 200, shown.text
    assert shown.json()["items"], "notify has recorded no message for the order yet"


async def _open_clocks(sla: httpx.AsyncClient, order_id: str) -> dict[str, dict[str, Any]]:
    answer = await sla.get(f"/v1/sla/orders/{order_id}", headers=OPS)
    assert answer.status_code == 200, answer.text
    found = {d["kind"]: d for d in answer.json()["deadlines"] if d["state"] == "open"}
    assert {"acknowledge", "resolve"} <= set(found), found
    return found


async def _acknowledged(router: httpx.AsyncClient, order_id: str, holder: str) -> None:
    asked = await router.post(
        f"/v1/orders/{order_id}/acknowledge", headers=token("department:USER_MAINTENANCE", holder)
    )
    assert asked.status_code == 200, asked.text


async def _in_dom_order(page: Page, *selectors: str) -> bool:
    return bool(
        await page.evaluate(
            """(sels) => {
              const els = sels.map((s) => document.querySelector(s));
              if (els.some((e) => !e)) return false;
              return els.every((e, i) => i === 0
                || (els[i - 1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
            }""",
            list(selectors),
        )
    )


async def test_messages_the_order_page_and_the_duty_room_update_themselves(
    environment: Environment,
) -> None:
    executable = chromium_or_skip()
    clock = ManualClock(datetime.now(LOCAL_TZ).replace(microsecond=0))
    clocks: dict[str, Clock] = {"router": clock, "sla": clock}
    async with (
        run_system(environment, clocks, ("intake", "router", "sla", "notify")) as system,
        console_on_a_port(environment, system.apps) as base,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            # 消息 and 值班室 are open before the order exists (ops reads everyone's messages).
            messages = await _signed_in(browser, base, "ops")
            duty = await messages.context.new_page()
            await _live(messages, "/messages")
            await _live(duty, "/duty")

            created = await system.intake.post(
                "/v1/orders/96568", json=_call(clock.now()), headers=OPERATOR
            )
            assert created.status_code == 201, created.text
            order_id = created.json()["order_id"]
            dispatched = await eventually(
                partial(_on_the_log, environment, order_id, "OrderDispatched"),
                within=60,
                every=0.1,
            )
            holder = dispatched["payload"]["assignee_id"]
            await eventually(partial(_recorded, system, order_id), within=60, every=0.1)
            row = messages.locator(f"table.messages tr[data-order='{order_id}']").first
            await row.wait_for(timeout=ISSUE_BOUND_MS)

            # The holder's order page: before 签收 only 签收 (and 退单); one clock per kind.
            clocks_open = await eventually(partial(_open_clocks, system.sla, order_id), within=60)
            order = await _signed_in(browser, base, holder.lower())
            await _live(order, f"/orders/{order_id}")
            kinds = await order.locator("ul.clocks li").evaluate_all(
                "lis => lis.map((li) => li.className.split(' ')[0])"
            )
            assert len(kinds) == len(set(kinds)) and "clock-acknowledge" in kinds, kinds
            assert await order.locator("form[action$='/acknowledge']").count() == 1
            assert await order.locator("form[action$='/resolve']").count() == 0
            assert await order.locator("form[action$='/appointment']").count() == 0
            # The caller and the holder, each a tap away.
            assert await order.locator("dd a[href='tel:13906351234']").count() == 1
            assert await order.locator("dd a[href^='tel:']").count() == 2

            # 签收 from elsewhere (another tab, the phone): the open page moves on by itself,
            # with 预约 before 进展 before 办结.
            await _acknowledged(system.router, order_id, holder)
            await eventually(
                partial(_on_the_log, environment, order_id, "OrderAcknowledged"), within=30
            )
            await order.locator("form[action$='/resolve']").wait_for(timeout=ISSUE_BOUND_MS)
            assert await order.locator("form[action$='/acknowledge']").count() == 0
            assert await _in_dom_order(
                order,
                "form[action$='/appointment']",
                "form[action$='/progress']",
                "form[action$='/resolve']",
            )

            # The 办结 clock passes: a red card, and both open pages show it at once — the
            # order page's clock in red, 值班室's row among the late.
            resolve_due = datetime.fromisoformat(clocks_open["resolve"]["due"])
            clock.set(resolve_due + timedelta(minutes=1))
            await eventually(
                partial(_on_the_log, environment, order_id, "SlaBreached", deadline="resolve"),
                within=60,
            )
            late = order.locator("ul.clocks li.clock-resolve.late")
            await late.wait_for(timeout=ISSUE_BOUND_MS)
            # Asked again until it holds: a later change may swap the list in meanwhile.
            await expect(late).to_have_css("color", RED, timeout=ISSUE_BOUND_MS)
            await duty.locator(f"#late tbody tr[data-order='{order_id}']").wait_for(
                timeout=ISSUE_BOUND_MS
            )
            await _not_reloaded(messages, duty, order)
        finally:
            await browser.close()
