"""The month's rates (issue 20: 按时办结率, 满意率, 解决率, 重办率, 催办 and 督办 per department and
grid) where people read them: the SLA's wall screen and the department head's 考核 page, both
rendered in Chromium, each figure as ``GET /v1/sla/rates`` gives it.

The router dispatches two 漏水 orders; then, as intake would, one is resolved and called back
基本满意 and the other chased twice and supervised once (the SLA counts the events)."""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from shared.clock import LOCAL_TZ, Clock, ManualClock, to_local
from shared.contracts import (
    CallbackRecorded,
    CallbackRecordedPayload,
    OrderEnvelope,
    OrderResolved,
    OrderResolvedPayload,
    OrderSupervised,
    OrderSupervisedPayload,
    OrderUrged,
    OrderUrgedPayload,
)
from tests.e2e.test_duty_room import ADDRESS, console_on_a_port
from tests.e2e.test_sla_dashboard import chromium_or_skip
from tests.support.builders import order_received
from tests.support.console import listening
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

OPS = token("ops", "P-0410")
HEAD = token("head:USER_MAINTENANCE", "P-0200")
RESOLVED, CHASED = "GL-20261202-RATE1", "GL-20261202-RATE2"
DEPARTMENT = "USER_MAINTENANCE"
COLUMNS = (
    ("resolved", False),
    ("on_time_rate", True),
    ("callbacks", False),
    ("satisfaction_rate", True),
    ("solved_rate", True),
    ("redo_rate", True),
    ("urges", False),
    ("supervisions", False),
)


def _shown(line: dict[str, Any]) -> list[str]:
    """The line's figures as both screens write them."""
    return [
        ("—" if line[k] is None else f"{line[k] * 100:.1f}%") if pct else str(line[k])
        for k, pct in COLUMNS
    ]


async def _publish(env: Environment, *events: OrderEnvelope) -> None:
    for event in events:
        await produce(
            env.bootstrap,
            env.topics.orders,
            event.model_dump_json().encode(),
            key=event.order_id.encode(),
        )


async def _held(sla: httpx.AsyncClient, order_id: str) -> str:
    """The order's holder, once the SLA runs its clocks."""
    answer = await sla.get(f"/v1/sla/orders/{order_id}", headers=OPS)
    assert answer.status_code == 200, answer.text
    holders = [d["assignee_id"] for d in answer.json()["deadlines"] if d.get("assignee_id")]
    assert holders, answer.text
    return str(holders[0])


async def _counted(sla: httpx.AsyncClient, month: str) -> dict[str, Any]:
    answer = await sla.get("/v1/sla/rates", params={"month": month}, headers=HEAD)
    assert answer.status_code == 200, answer.text
    rates = answer.json()
    (line,) = [d for d in rates["departments"] if d["department"] == DEPARTMENT]
    assert (line["resolved"], line["callbacks"], line["urges"], line["supervisions"]) == (
        1,
        1,
        2,
        1,
    ), line
    return dict(rates)


async def _row(page: Page, selector: str) -> list[str]:
    cells = await page.locator(selector).locator("td").all_inner_texts()
    return [c.strip() for c in cells]


async def test_the_wall_screen_and_the_heads_page_show_the_months_rates(
    environment: Environment,
) -> None:
    executable = chromium_or_skip()
    clock = ManualClock(datetime.now(LOCAL_TZ).replace(microsecond=0))
    clocks: dict[str, Clock] = {"router": clock, "sla": clock}
    month = f"{to_local(clock.now()):%Y-%m}"
    async with run_system(environment, clocks, ("router", "sla", "scoring")) as system:
        at = clock.now()
        await _publish(
            environment,
            order_received(RESOLVED, at, address=ADDRESS),
            order_received(CHASED, at, address=ADDRESS),
        )
        holder = await eventually(partial(_held, system.sla, RESOLVED), within=60)
        await eventually(partial(_held, system.sla, CHASED), within=60)
        later = at + timedelta(minutes=30)
        said = {"message_id": "", "at": later}
        await _publish(
            environment,
            OrderResolved(
                order_id=RESOLVED,
                occurred_at=later,
                producer="router",
                payload=OrderResolvedPayload(by=holder, department=DEPARTMENT),
            ),
            CallbackRecorded(
                order_id=RESOLVED,
                occurred_at=later,
                producer="intake",
                payload=CallbackRecordedPayload(
                    **{**said, "message_id": "CB-1"}, satisfaction="基本满意", solved=True
                ),
            ),
            *(
                OrderUrged(
                    order_id=CHASED,
                    occurred_at=later,
                    producer="intake",
                    payload=OrderUrgedPayload(**{**said, "message_id": f"URGE-{n}"}),
                )
                for n in (1, 2)
            ),
            OrderSupervised(
                order_id=CHASED,
                occurred_at=later,
                producer="intake",
                payload=OrderSupervisedPayload(
                    **{**said, "message_id": "SUP-1"}, deadline=later + timedelta(days=1)
                ),
            ),
        )
        rates = await eventually(partial(_counted, system.sla, month), within=60)
        (line,) = [d for d in rates["departments"] if d["department"] == DEPARTMENT]
        grids = [g for g in rates["grids"] if g["department"] == DEPARTMENT]
        assert grids, rates

        async with (
            listening(system.apps["sla"]) as screen_url,
            console_on_a_port(environment, system.apps) as base,
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=executable)
            try:
                jwt = OPS["Authorization"].removeprefix("Bearer ")
                screen = await browser.new_page(viewport={"width": 1600, "height": 1000})
                await screen.goto(f"{screen_url}/#token={jwt}")
                await screen.locator("body[data-loaded=true]").wait_for(timeout=30_000)
                assert await screen.inner_text("#rates-month") == month
                shown = await _row(screen, f"#rates tr[data-department={DEPARTMENT}]")
                assert shown == [line["name"], *_shown(line)], shown
                total = await _row(screen, "#rates tr[data-department=ALL]")
                assert total == ["合计", *_shown(rates["total"])], total

                context = await browser.new_context(base_url=base, locale="zh-CN")
                head = await context.new_page()
                await head.goto("/login")
                await head.fill("input[name=username]", "p-0200")
                await head.fill("input[name=password]", "gridline-demo")
                await head.click("button[type=submit]")
                await head.goto(f"/head?month={month}")
                shown = await _row(head, "#rates tr.department")
                assert shown == [line["name"], *_shown(line)], shown
                for grid in grids:
                    row = await _row(head, f"#rates tr[data-grid='{grid['grid']}']")
                    # Named by its code and its A post (a grid has no name of its own).
                    assert row[0].startswith(f"网格 {grid['grid']}（") and row[0].endswith("）")
                    assert row[1:] == _shown(grid), row
                headers = await head.locator("#rates th").all_inner_texts()
                assert {"按时办结率", "满意率", "解决率", "重办率", "催办", "督办"} <= set(headers)
            finally:
                await browser.close()
