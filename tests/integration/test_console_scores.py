"""The head's 考核 pages in the console, with scoring on the real broker (issue 23): every point
of the month's table is an item on the worker's ledger page — automatic ones with their order and
time, manual ones with who entered them, rank points marked 暂定 with their count and place — and
the page's 合计 is the table's 加分 − 扣分 for every worker; 考核项 keeps its choice after 登记.

The month is test_scoring_month's September 2026 of 抄表处, whose head is 赵主任 (p-0100)."""

import re
from html.parser import HTMLParser

import httpx
import pytest

from tests.integration.test_scoring_month import (
    COUNTS,
    MONTH,
    READER,
    _produce_all,
    month_of_events,
)
from tests.support.console import csrf_of, running_console, sign_in
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

MR_HEAD = token("head:METER_READING", "P-0100")


class Rows(HTMLParser):
    """The cells of each row of the page's first table with the given class, as text."""

    def __init__(self, table_class: str) -> None:
        super().__init__()
        self._class = table_class
        self._depth = 0
        self.rows: list[list[str]] = []
        self.links: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and self._class in (found.get("class") or "").split():
            self._depth = 1
        elif self._depth and tag == "tr":
            self.rows.append([])
            self.links.append([])
        elif self._depth and tag == "td" and self.rows:
            self.rows[-1].append("")
        elif self._depth and tag == "a" and self.links:
            self.links[-1].append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._depth:
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._depth and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data.strip()


def table(page: str, table_class: str) -> tuple[list[list[str]], list[list[str]]]:
    parser = Rows(table_class)
    parser.feed(page)
    keep = [i for i, r in enumerate(parser.rows) if r]
    return [parser.rows[i] for i in keep], [parser.links[i] for i in keep]


async def _ledger_matches_the_table(console: httpx.AsyncClient) -> None:
    page = await console.get("/head", params={"month": MONTH})
    assert page.status_code == 200, page.text
    rows, links = table(page.text, "scores")
    assert len(rows) == 4, rows  # 抄表处's four workers
    assert '<a href="/report">月报</a>' in page.text  # the menu leads a head to 月报
    for row, hrefs in zip(rows, links, strict=True):
        deductions, bonuses = int(row[2]), int(row[3])
        ledger = await console.get(hrefs[0])
        assert ledger.status_code == 200, ledger.text
        total = re.search(r'class="ledger-total">([+-]\d+)<', ledger.text)
        assert total, ledger.text
        items, _ = table(ledger.text, "ledger")
        points = [int(i[1]) for i in items if len(i) == 6]
        assert int(total[1]) == bonuses + deductions == sum(points), (row, items)


async def test_every_point_of_the_table_is_an_item_on_the_ledger_page(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("scoring", "router")) as system:
        scoring = system.scoring
        await _produce_all(environment, month_of_events())
        for worker, rule in (("W-0102", "PENNANT"), ("W-0103", "IMPROPER_CONDUCT_SERIOUS")):
            entered = await scoring.post(
                f"/v1/workers/{worker}/entries",
                json={"rule": rule, "reason": "负责人登记", "month": MONTH},
                headers=MR_HEAD,
            )
            assert entered.status_code == 201, entered.text

        async def counted() -> None:
            got = await scoring.get(f"/v1/counts/{MONTH}", headers=READER)
            assert got.json()["workers"] == COUNTS

        await eventually(counted)
        async with running_console(environment, system.apps) as console:
            await sign_in(console.client, "p-0100")
            await _ledger_matches_the_table(console.client)

            page = (await console.client.get("/head/workers/W-0101", params={"month": MONTH})).text
            items, links = table(page, "ledger")
            by_label = {i[0]: i for i in items}
            # An automatic item names its order and time, and links to the order.
            complaint = next(i for i in items if "投诉" in i[0])
            assert "工单 GL-C1" in complaint[3] and "2026-09-" in complaint[3], complaint
            assert any("/orders/GL-C1" in h for h in links[items.index(complaint)])
            # Rank points are 暂定, with their count and place.
            messages = next(i for label, i in by_label.items() if "信息" in label)
            assert "暂定" in messages[0] and "数量 2 · 第2名" in messages[3], messages
            assert "其中排名加分 +11 为<strong>暂定</strong>" in page

            manual = (await console.client.get("/head/workers/W-0102?month=" + MONTH)).text
            pennant = next(i for i in table(manual, "ledger")[0] if i[1] == "+3")
            assert "赵主任" in pennant[3] and "录入" in pennant[3], pennant

            # 登记 keeps 考核项 on what the head chose.
            entered = await console.client.post(
                "/head/entries",
                data={
                    "csrf_token": await csrf_of(console.client),
                    "worker_id": "W-0104",
                    "rule": "PERFUNCTORY",
                    "reason": "工作敷衍",
                    "month": MONTH,
                },
            )
            assert entered.status_code == 303, entered.text
            after = await console.client.get(entered.headers["location"])
            assert "已记录：" in after.text
            chosen = re.search(r'<option value="(\w+)" selected>', after.text)
            assert chosen and chosen[1] == "PERFUNCTORY", after.text
            await _ledger_matches_the_table(console.client)
