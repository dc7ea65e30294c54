"""One Chinese vocabulary (issue 21): every page of the console, for each role signed in through
the login form, with an order that has been received, dispatched, signed and resolved (so the
timelines have lines) and one still waiting, shows no English word to people: an ASCII word is
a code, an id, a number or a unit, or one of the few names in ALLOWED_WORDS."""

import io
import re
from collections import defaultdict
from contextlib import AsyncExitStack
from html.parser import HTMLParser

import httpx
import pytest
from openpyxl import load_workbook

from tests.integration.test_authorization import (
    CONSOLE_ALLOWED,
    CONSOLE_QUERIES,
    CONSOLE_USERS,
    MONTH,
    ORDER_DAY_0930,
    console_routes,
    example,
)
from tests.support.clocks import RunningClock
from tests.support.console import csrf_of, running_console, sign_in
from tests.support.polling import eventually
from tests.support.routes import OWN, OWN_WORKER, fill, headers
from tests.support.system import Environment, run_system

pytestmark = pytest.mark.integration

# The ASCII words people may read, and why: short on purpose; a new one needs a reason.
ALLOWED_WORDS = frozenset(
    {
        "Gridline",  # the product's name
        "SLA",  # the word the utility's own rules use for its deadlines
        "Excel",  # the download buttons name the file kind
        "PDF",
        "ms",  # units
        "MB",
        "km",
        "A",  # A岗 / B岗: the posts of the duty chain are lettered
        "B",
        "Ctrl",  # the keys the 受理 form names (Ctrl+Enter)
        "Enter",
        "ls",  # the 类别 field's hint shows what to type: 漏水's pinyin initials
    }
)
# The event interface is the developers' document (AsyncAPI, in its own words), not a page of work.
NOT_FOR_PEOPLE = frozenset({"GET /asyncapi"})
# An upper-case code with hyphens is an id (CALL-…, INC-…) as the systems print it.
CODE = re.compile(r"[A-Z]+(-[A-Z0-9]+)+")
# A word with a digit is a code, an id, a time or a number (GL-…, W-0301, LC12345-…, UM-DC-03).
WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-.:/@]*")


class VisibleText(HTMLParser):
    """What a browser shows: the text outside scripts and styles, and the labels people read
    inside fields (placeholders, button values, titles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return words_of(" ".join(parser.parts))


def words_of(text: str) -> set[str]:
    found = set()
    for token in WORD.findall(text):
        if any(c.isdigit() for c in token) or token in ALLOWED_WORDS or CODE.fullmatch(token):
            continue
        found.add(token)
    return found


def spreadsheet_words(content: bytes) -> set[str]:
    """The Excel files the pages offer speak the same vocabulary: every cell of every sheet."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = (
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    )
    return words_of(" ".join(cells))


def test_the_text_reader_sees_words_not_markup_and_lets_codes_through() -> None:
    page = (
        "<html><style>p{color:red}</style><script>let pending = 1</script>"
        "<p class='state'>工单 GL-20261127-0001 由 W-0301 办理，状态 pending</p>"
        "<input placeholder='phone'><p>耗时 12ms，SLA 达标</p></html>"
    )
    assert english_words(page) == {"pending", "phone"}


async def lived_order(intake: httpx.AsyncClient, number: str, building: str) -> str:
    body = {**example("12345_order.json"), "orderNo": number}
    body["address"] = body["address"].replace("3号楼", building)
    created = await intake.post("/v1/orders/12345", json=body, headers=headers("operator"))
    assert created.status_code == 201, created.text
    order_id: str = created.json()["order_id"]

    async def given_to_own() -> None:
        view = (await intake.get(f"/v1/orders/{order_id}", headers=headers("ops"))).json()
        # The second is joined to the first's incident (same estate, same kind): a linked
        # order's timeline is one more kind of line to read.
        assert view["state"] in ("dispatched", "linked"), view

    await eventually(given_to_own)
    return order_id


async def test_every_console_page_speaks_chinese_to_every_role(
    environment: Environment,
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    services = ("intake", "router", "sla", "scoring", "notify", "outreach")
    clocks = dict.fromkeys(services, clock)
    admin = [("admin", "管理员（测试）", "admin")]
    async with (
        run_system(environment, clocks=clocks, only=services) as system,  # type: ignore[arg-type]
        running_console(environment, system.apps, accounts=admin) as console,
    ):
        resolved = await lived_order(system.intake, "LC12345-VOCAB-1", "3号楼")
        waiting = await lived_order(system.intake, "LC12345-VOCAB-2", "9号楼")
        report = {**example("grid_report.json"), "report_id": "r-vocab-1"}
        reported = await system.intake.post(
            "/v1/grid-reports", json=report, headers=headers(f"department:{OWN}")
        )
        assert reported.status_code in (201, 202), reported.text
        transport = httpx.ASGITransport(app=console.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as worker:
            await sign_in(worker, OWN_WORKER.lower())
            token = await csrf_of(worker)
            signed = await worker.post(
                f"/orders/{resolved}/acknowledge", data={"csrf_token": token}
            )
            assert signed.status_code in (200, 302, 303), signed.text
            done = await worker.post(
                f"/orders/{resolved}/resolve",
                data={
                    "handling_notes": "已更换管件",
                    "public_reply": "已修复",
                    "csrf_token": token,
                },
            )
            assert done.status_code in (200, 302, 303), done.text
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as head:
            # A head's entry through the form, so the ledger has a line entered by hand.
            await sign_in(head, "p-0200")
            form = {"worker_id": OWN_WORKER, "rule": "PENNANT", "reason": "获赠锦旗"}
            form |= {"month": MONTH, "csrf_token": await csrf_of(head)}
            entered = await head.post("/head/entries", data=form)
            assert entered.status_code in (200, 302, 303), entered.text

        async def is_resolved() -> None:
            view = await system.intake.get(f"/v1/orders/{resolved}", headers=headers("ops"))
            assert view.json()["state"] in ("resolved", "replied"), view.json()

        await eventually(is_resolved)
        pages = [k for k in console_routes(console.app) if k.startswith("GET ")]
        pages = [k for k in pages if k in CONSOLE_ALLOWED and k not in NOT_FOR_PEOPLE]
        offenders: dict[str, set[str]] = defaultdict(set)
        read: dict[str, str] = {}
        async with AsyncExitStack() as stack:
            for user, role in CONSOLE_USERS.items():
                client = httpx.AsyncClient(transport=transport, base_url="http://console")
                client = await stack.enter_async_context(client)
                await sign_in(client, user)
                for key in pages:
                    if role not in CONSOLE_ALLOWED[key] or key in ("GET /", "GET /l/{token}"):
                        continue
                    path = key.split(" ", 1)[1]
                    for order_id in (resolved, waiting) if "{order_id}" in path else (None,):
                        values = {"order_id": order_id or "", "worker_id": OWN_WORKER}
                        values["month"] = MONTH
                        got = await client.get(fill(path, values), params=CONSOLE_QUERIES.get(key))
                        # Who may open what is test_authorization's; this reads what opens.
                        if got.status_code != 200:
                            continue
                        if key.endswith(".xlsx"):
                            read[f"{key} as {user}"] = "xlsx"
                            for word in spreadsheet_words(got.content):
                                offenders[word].add(f"{key} as {user}")
                            continue
                        if "html" not in got.headers.get("content-type", ""):
                            continue
                        read[f"{key} {order_id or ''} as {user}"] = got.text
                        for word in english_words(got.text):
                            offenders[word].add(f"{key} as {user}")
        # The walk read pages with content: the ledger's entry, the resolved order's timeline.
        assert (
            "GET /head/scores/{month}.xlsx as p-0200" in read and "GET /report.xlsx as ops" in read
        )
        assert "获赠锦旗" in read["GET /head/workers/{worker_id}  as p-0200"]
        timeline = read[f"GET /orders/{{order_id}} {resolved} as ops"]
        assert "签收" in timeline and "办结" in timeline and "12345热线" in timeline
        # Intake's own timeline lines (the summaries the Excel files and messages reuse) too.
        for order_id in (resolved, waiting):
            view = await system.intake.get(f"/v1/orders/{order_id}", headers=headers("ops"))
            for line in view.json()["timeline"]:
                for word in words_of(line["summary"]):
                    offenders[word].add(f"intake timeline {line['type']}")
        shown = {word: sorted(where)[:3] for word, where in sorted(offenders.items())}
        assert shown == {}, "English words shown to people:\n" + "\n".join(
            f"{word}: {where}" for word, where in shown.items()
        )
