"""The operations-room page in headless Chromium shows the numbers the API gives.

Needs Debian's ``chromium`` (and a CJK font, e.g. ``fonts-wqy-microhei``, for a readable
screenshot). Set ``GRIDLINE_UPDATE_SCREENSHOT=1`` to refresh ``docs/dashboard.png``."""

import asyncio
import os
import re
import shutil
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from gridline.broker import free_port
from shared.clock import LOCAL_TZ, ManualClock
from shared.contracts import (
    OrderDispatched,
    OrderDispatchedPayload,
    OrderEnvelope,
    OrderReceived,
    OrderReceivedPayload,
)
from shared.paths import PROJECT_ROOT
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
OPS = token("ops")
START = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)  # Monday morning
ORDERS = [  # (order, source, category, label, department, worker)
    ("GL-20260302-A1", "12345", "LEAK", "漏水", "USER_MAINTENANCE", "W-0301"),
    ("GL-20260302-A2", "96568", "WATER_QUALITY", "水质异常", "WATER_QUALITY", "P-0310"),
    ("GL-20260302-A3", "96568", "METER_RECHECK", "复核表数", "METER_READING", "W-0101"),
    ("GL-20260302-A4", "grid_report", "COVER_DAMAGED", "水表井盖损坏", "METER_READING", "W-0102"),
]


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"{CHROMIUM} missing: apt-get install chromium"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def events_for(
    order_id: str, source: str, category: str, label: str, department: str, worker: str
) -> list[OrderEnvelope]:
    at = START - timedelta(minutes=20)
    return [
        OrderReceived(
            order_id=order_id,
            occurred_at=at,
            producer="intake",
            payload=OrderReceivedPayload(
                source=source,
                source_ref=f"ref-{order_id}",
                category=category,
                category_label=label,
                received_at=at,
                needs_reply=source != "grid_report",
            ),
        ),
        OrderDispatched(
            order_id=order_id,
            occurred_at=at,
            producer="router",
            payload=OrderDispatchedPayload(
                assignment_id=1,
                department=department,
                assignee_id=worker,
                chain_position="A",
                ack_due=at + timedelta(hours=2),
            ),
        ),
    ]


class Page(HTMLParser):
    """Texts by element id, and the rows (cell texts) of each table body."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self._open_id: str | None = None
        self._body: str | None = None
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tbody" and found.get("id"):
            self._body = found["id"]
            self.rows[self._body or ""] = []
        elif tag == "tr" and self._body:
            self.rows[self._body].append([])
        elif tag == "td" and self._body:
            self._in_cell = True
            self.rows[self._body][-1].append("")
        elif found.get("id"):
            self._open_id = found["id"]
            self.texts.setdefault(self._open_id or "", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body = None
        elif tag == "td":
            self._in_cell = False
        else:
            self._open_id = None

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._body:
            self.rows[self._body][-1][-1] += data.strip()
        elif self._open_id:
            self.texts[self._open_id] += data.strip()


async def run_chromium(browser: str, profile: Path, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1600,1000",
        "--virtual-time-budget=8000",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode("utf-8")


async def test_the_dashboard_shows_what_the_api_says(
    environment: Environment, tmp_path: Path
) -> None:
    browser = chromium_or_skip()
    clock = ManualClock(START)
    async with run_system(environment, clocks={"sla": clock}, only=("sla",)) as system:
        for spec in ORDERS:
            for event in events_for(*spec):
                await produce(
                    environment.bootstrap,
                    environment.topics.orders,
                    event.model_dump_json().encode(),
                    key=event.order_id.encode(),
                )

        async def timed() -> dict[str, Any]:
            overview = (await system.sla.get("/v1/sla/overview", headers=OPS)).json()
            assert overview["totals"]["open_orders"] == len(ORDERS), overview["totals"]
            return dict(overview)

        await eventually(timed)
        # Received at 08:40. By 09:45 the 12345 leak is past its 30-minute sign-for and on-site
        # limits, the 96568 orders past their 30-minute sign-for, the water-quality sample
        # past its hour: five red cards. The grid report has a working day.
        clock.set(START + timedelta(minutes=45))

        async def carded() -> dict[str, Any]:
            overview = (await system.sla.get("/v1/sla/overview", headers=OPS)).json()
            assert overview["totals"]["breaches_today"] == 5, overview["totals"]
            return dict(overview)

        overview = await eventually(carded)
        risk = (
            await system.sla.get("/v1/sla/at-risk?within_hours=24&limit=50", headers=OPS)
        ).json()["items"]
        assert risk

        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                system.apps["sla"],
                host="127.0.0.1",
                port=port,
                lifespan="off",
                # Leave the process's logging alone: other tests read what it writes.
                log_config=None,
                access_log=False,
            )
        )
        serving = asyncio.create_task(server.serve())
        try:
            await eventually(lambda: _started(server))
            jwt = OPS["Authorization"].removeprefix("Bearer ")
            url = f"http://127.0.0.1:{port}/#token={jwt}"
            dom = await run_chromium(browser, tmp_path / "profile", "--dump-dom", url)
            shot = tmp_path / "dashboard.png"
            await run_chromium(browser, tmp_path / "profile2", f"--screenshot={shot}", url)
        finally:
            server.should_exit = True
            await serving

    page = Page()
    page.feed(dom)
    assert 'data-loaded="true"' in dom, dom[-3000:]
    totals = overview["totals"]
    assert {
        "total-open": page.texts["total-open"],
        "total-unack": page.texts["total-unack"],
        "total-at-risk": page.texts["total-at-risk"],
        "total-breaches-today": page.texts["total-breaches-today"],
        "total-breaches-month": page.texts["total-breaches-month"],
    } == {
        "total-open": str(totals["open_orders"]),
        "total-unack": str(totals["unacknowledged"]),
        "total-at-risk": str(totals["at_risk"]),
        "total-breaches-today": str(totals["breaches_today"]),
        "total-breaches-month": str(totals["breaches_month"]),
    }
    # The per-department table: name, open, unacknowledged, breaches today / month.
    shown = {row[0]: row[1:5] for row in page.rows["departments"]}
    for line in overview["departments"]:
        assert shown[line["name"]] == [
            str(line["open_orders"]),
            str(line["unacknowledged"]),
            str(line["breaches_today"]),
            str(line["breaches_month"]),
        ]
    assert shown["水质检测中心"][2] == "2"
    # The at-risk list, soonest first, counting down from what the API said.
    listed = page.rows["at-risk"]
    assert [(r[0], r[1]) for r in listed] == [(i["order_id"], i["kind_label"]) for i in risk]
    for row, item in zip(listed, risk, strict=True):
        h, m, s = (int(x) for x in re.findall(r"(\d+):(\d\d):(\d\d)$", row[5])[0])
        days = int(row[5].split("天")[0]) if "天" in row[5] else 0
        left = days * 86400 + h * 3600 + m * 60 + s
        assert item["seconds_left"] - 60 <= left <= item["seconds_left"], (row, item)
    assert sorted(r[0] for r in page.rows["breaches"]) == [
        "GL-20260302-A1",
        "GL-20260302-A1",
        "GL-20260302-A2",
        "GL-20260302-A2",
        "GL-20260302-A3",
    ]

    assert shot.stat().st_size > 10_000
    if os.environ.get("GRIDLINE_UPDATE_SCREENSHOT"):
        shutil.copy(shot, PROJECT_ROOT / "docs" / "dashboard.png")


async def _started(server: uvicorn.Server) -> None:
    assert server.started
