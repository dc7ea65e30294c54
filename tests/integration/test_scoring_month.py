"""One month of Art. 18 assessment through the real broker, checked against a hand computation;
then the log replayed into a fresh ledger gives the very same numbers.

The month is September 2026 (Beijing). The demo organisation's 抄表处 (METER_READING) has four grid
workers; places are made within the department (config/scoring_rules.yaml: scope department,
shared places for ties).

Hand computation (base 100):

  counts         consultations   messages   orders handled
  W-0101               3             2             1          (+ an unsigned on-site answer: no)
  W-0102               3             5             2
  W-0103               1             0             0
  W-0104               0             0             0          (no activity at all)

  places: consultations W-0101 and W-0102 tie 1st (+5 each), W-0103 3rd (+2: 2nd is skipped);
          messages W-0102 1st +5, W-0101 2nd +3; orders W-0102 1st +5, W-0101 2nd +3.

  W-0101: 100 − 10 (verified complaint, delivered twice, counted once) + 1 (praise)
              + 5 + 3 + 3                                                         = 102
  W-0102: 100 + 3 (pennant, by the head) + 5 + 5 + 5                              = 118
          (a PERFUNCTORY −2 entered by mistake and its correction +2 cancel out)
  W-0103: 100 − 5 (serious improper conduct: pay forfeited) − 3 (appointment missed, not
              explained) + 2                                                      =  94
          (an explained missed appointment costs nothing; nor do resolve deadlines broken,
          signed for or not: an order is no assigned task, config task_late_deadlines [])
  W-0104: 100; after closing the head deducts 2 (dress): an adjustment, final      =  98
"""

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gridline.cli import app as cli
from services.scoring import queries
from services.scoring.config import ScoringDeps
from shared.contracts import (
    AppointmentMissed,
    AppointmentMissedPayload,
    ComplaintVerified,
    ComplaintVerifiedPayload,
    Event,
    GridActivityPayload,
    GridActivityRecorded,
    OrderReceived,
    OrderReceivedPayload,
    OrderResolved,
    OrderResolvedPayload,
    SlaBreached,
    SlaBreachedPayload,
    event_key,
)
from shared.db import Database
from tests.support.kafka import produce, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

MONTH = "2026-09"
T0 = datetime(2026, 9, 7, 2, 0, tzinfo=UTC)
READER = token("operator")
MR_HEAD = token("head:METER_READING", "P-0100")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
OFFICE = token("ops", "office")
HEAD_NAME = "赵主任"  # P-0100 in config/org.yaml

EXPECTED = {"W-0101": 102, "W-0102": 118, "W-0103": 94, "W-0104": 98}
EXPECTED_AT_CLOSE = {"W-0101": 102, "W-0102": 118, "W-0103": 94, "W-0104": 100}
SIDES = {"W-0101": (-10, 12), "W-0102": (0, 18), "W-0103": (-8, 2), "W-0104": (0, 0)}
COUNTS = {
    "W-0101": {"consultations": 3, "messages": 2, "visits": 3, "orders_handled": 1},
    "W-0102": {"consultations": 3, "messages": 5, "orders_handled": 2},
    "W-0103": {"consultations": 1},
}


def _at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def _activity(n: int, worker: str, kind: str, channel: str, signed: bool = False) -> Event:
    return GridActivityRecorded(
        occurred_at=_at(n),
        producer="intake",
        worker_id=worker,
        payload=GridActivityPayload(
            activity_id=f"ACT-{n}",
            worker_id=worker,
            kind=kind,
            channel=channel,
            customer_signed=signed,
            at=_at(n),
        ),
    )


def _order_event(kind: type[Any], n: int, order: str, payload: Any) -> Event:
    event: Event = kind(order_id=order, occurred_at=_at(n), producer="test", payload=payload)
    return event


def month_of_events() -> list[Event]:
    events: list[Event] = []
    n = 0

    def act(worker: str, kind: str, channel: str, times: int, signed: bool = False) -> None:
        nonlocal n
        for _ in range(times):
            n += 1
            events.append(_activity(n, worker, kind, channel, signed))

    act("W-0101", "consultation", "phone", 2)
    act("W-0101", "consultation", "onsite", 1, signed=True)
    act("W-0101", "consultation", "onsite", 1)  # unsigned on-site answer: not counted
    act("W-0101", "message", "sms", 2)
    act("W-0101", "visit", "onsite", 3)  # visits are not ranked
    act("W-0102", "consultation", "wechat", 3)
    act("W-0102", "message", "wechat", 5)
    act("W-0103", "consultation", "phone", 1)

    resolved = [("GL-R1", "W-0101"), ("GL-R2", "W-0102"), ("GL-R3", "W-0102")]
    for i, (order, by) in enumerate(resolved):
        events.append(
            _order_event(
                OrderResolved,
                40 + i,
                order,
                OrderResolvedPayload(by=by, department="METER_READING"),
            )
        )
    complaint = _order_event(
        ComplaintVerified,
        50,
        "GL-C1",
        ComplaintVerifiedPayload(worker_id="W-0101", verified=True, by="P-0100"),
    )
    events += [complaint, complaint]  # delivered twice: counted once
    events.append(
        _order_event(
            OrderReceived,
            51,
            "GL-P1",
            OrderReceivedPayload(
                source="12345",
                source_ref="P-1",
                category="PRAISE",
                category_label="表扬",
                named_worker_id="W-0101",
                received_at=_at(51),
            ),
        )
    )
    events += [
        _order_event(
            AppointmentMissed,
            52,
            "GL-A1",
            AppointmentMissedPayload(appointment_at=_at(50), assignee_id="W-0103"),
        ),
        _order_event(
            AppointmentMissed,
            53,
            "GL-A2",
            AppointmentMissedPayload(appointment_at=_at(50), assignee_id="W-0103", explained=True),
        ),
        _order_event(
            SlaBreached,
            54,
            "GL-S1",
            SlaBreachedPayload(
                deadline="resolve", due=_at(53), assignee_id="W-0103", acknowledged=True
            ),
        ),
        _order_event(
            SlaBreached,
            55,
            "GL-S2",
            SlaBreachedPayload(deadline="resolve", due=_at(54), assignee_id="W-0103"),
        ),
    ]
    return events


async def _produce_all(environment: Environment, events: list[Event]) -> None:
    for event in events:
        topic = (
            environment.topics.activity
            if isinstance(event, GridActivityRecorded)
            else environment.topics.orders
        )
        await produce(
            environment.bootstrap,
            topic,
            event.model_dump_json().encode(),
            key=event_key(event).encode(),
        )


def _by_worker(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        row["worker_id"]: row for row in view["workers"] if row["department"] == "METER_READING"
    }


async def _ledgers_add_up(client: Any, view: dict[str, Any], closed: bool) -> None:
    """Every worker's ledger holds every item of their score: its total is the table's 加分 −
    扣分 (deductions are negative), rank points included — 暂定 until the month is closed, each
    with the count and place behind it."""
    for row in view["workers"]:
        ledger = (
            await client.get(
                f"/v1/workers/{row['worker_id']}/ledger", params={"month": MONTH}, headers=OFFICE
            )
        ).json()
        assert ledger["total"] == row["bonuses"] + row["deductions"], (row, ledger)
        ranked = [e for e in ledger["entries"] if e["rule"].startswith("RANK_")]
        places = {c: p for c, p in row["ranks"].items() if p["points"]}
        assert {e["rule"]: (e["rank_count"], e["rank_place"], e["points"]) for e in ranked} == {
            c: (p["count"], p["place"], p["points"]) for c, p in places.items()
        }
        assert all(e["provisional"] is not closed for e in ranked)
        assert ledger["provisional"] == (0 if closed else sum(e["points"] for e in ranked))
        assert all(e["cause"] for e in ledger["entries"])


async def _a_heads_file_holds_their_department_only(client: Any) -> None:
    """赵主任 of 抄表处 files 抄表处's month: its workers by name, 录入人 by name, rule labels, no
    internal ids; filtered, header frozen, landscape one page wide; the quarter likewise."""
    answer = await client.get(f"/v1/scores/{MONTH}.xlsx", headers=MR_HEAD)
    assert answer.status_code == 200, answer.text
    book = load_workbook(io.BytesIO(answer.content))
    month = book.worksheets[0]
    assert month["A1"].value.startswith(f"抄表处 {MONTH} 网格员月度考核")
    rows = list(month.iter_rows(min_row=2, values_only=True))
    scores = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {(r["工号"], r["姓名"], r["部门"]) for r in scores} == {
        ("W-0101", "郑晓明", "抄表处"),
        ("W-0102", "王海燕", "抄表处"),
        ("W-0103", "冯磊", "抄表处"),
        ("W-0104", "陈静", "抄表处"),
    }
    ledger = list(book["考核明细"].iter_rows(min_row=2, values_only=True))
    items = [dict(zip(ledger[0], r, strict=True)) for r in ledger[1:]]
    assert {i["工号"] for i in items} <= set(EXPECTED)
    pennant = next(i for i in items if i["考核项"] == "获赠锦旗")
    assert (pennant["姓名"], pennant["录入人"]) == ("王海燕", HEAD_NAME)
    assert "代码" not in ledger[0] and "PENNANT" not in {str(c) for r in ledger for c in r}
    for ws in book.worksheets:
        assert (ws.freeze_panes, ws.auto_filter.ref[:3]) == ("A3", "A2:")
        assert ws.page_setup.orientation == "landscape"
        assert (ws.sheet_properties.pageSetUpPr.fitToPage, ws.page_setup.fitToWidth) == (True, 1)
    quarter = await client.get("/v1/quarters/2026-Q3.xlsx", headers=MR_HEAD)
    sheet = load_workbook(io.BytesIO(quarter.content)).worksheets[0]
    assert sheet["A1"].value.startswith("抄表处 2026-Q3 季度考核")
    departments = {r[2] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert departments == {"抄表处"}


async def test_a_month_of_events_scores_as_article_18_says_and_replays_to_the_same_numbers(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("scoring",)) as system:
        client = system.scoring
        await _produce_all(environment, month_of_events())

        # The head enters what only a head knows; another department's head may not.
        refused = await client.post(
            "/v1/workers/W-0101/entries",
            json={"rule": "PENNANT", "reason": "锦旗", "month": MONTH},
            headers=UM_HEAD,
        )
        assert refused.status_code == 403, refused.text
        pennant = await client.post(
            "/v1/workers/W-0102/entries",
            json={
                "rule": "PENNANT",
                "reason": "用户赠送锦旗",
                "evidence": "照片-0912",
                "month": MONTH,
            },
            headers=MR_HEAD,
        )
        assert pennant.status_code == 201, pennant.text
        serious = await client.post(
            "/v1/workers/W-0103/entries",
            json={"rule": "IMPROPER_CONDUCT_SERIOUS", "reason": "与用户争吵被曝光", "month": MONTH},
            headers=MR_HEAD,
        )
        assert serious.status_code == 201, serious.text

        # A head's slip is corrected by a new entry, never by an edit.
        mistake = await client.post(
            "/v1/workers/W-0102/entries",
            json={"rule": "PERFUNCTORY", "reason": "录错人", "month": MONTH},
            headers=MR_HEAD,
        )
        assert mistake.status_code == 201, mistake.text
        fixed = await client.post(
            f"/v1/workers/W-0102/entries/{mistake.json()['entry_id']}/corrections",
            json={"reason": "应为他人"},
            headers=MR_HEAD,
        )
        assert fixed.status_code == 201, fixed.text
        assert (fixed.json()["points"], fixed.json()["corrects"]) == (2, mistake.json()["entry_id"])

        async def all_counted() -> dict[str, Any]:
            counts = (await client.get(f"/v1/counts/{MONTH}", headers=READER)).json()["workers"]
            assert counts == COUNTS
            view: dict[str, Any] = (await client.get(f"/v1/scores/{MONTH}", headers=READER)).json()
            rows = _by_worker(view)
            assert {w: (r["deductions"], r["bonuses"]) for w, r in rows.items()} == SIDES
            assert {w: r["final"] for w, r in rows.items()} == EXPECTED_AT_CLOSE
            return view

        await _ledgers_add_up(client, await eventually(all_counted), closed=False)

        closed = await client.post(f"/v1/months/{MONTH}/close", headers=OFFICE)
        assert closed.status_code == 201, closed.text
        again = await client.post(f"/v1/months/{MONTH}/close", headers=OFFICE)
        assert again.status_code == 409

        late = await client.post(
            "/v1/workers/W-0104/entries",
            json={"rule": "DRESS_BADGE", "reason": "未佩戴工牌", "month": MONTH},
            headers=MR_HEAD,
        )
        assert late.status_code == 201, late.text

        view = (await client.get(f"/v1/scores/{MONTH}", headers=READER)).json()
        rows = _by_worker(view)
        assert view["closed"] is True
        assert {w: r["final"] for w, r in rows.items()} == EXPECTED
        assert {w: r["at_close"] for w, r in rows.items()} == EXPECTED_AT_CLOSE
        assert rows["W-0104"]["adjustments"] == -2
        await _ledgers_add_up(client, view, closed=True)
        assert rows["W-0101"]["flags"] == ["no_annual_award"]
        assert rows["W-0103"]["flags"] == ["performance_pay_forfeited"]
        assert (rows["W-0101"]["deductions"], rows["W-0101"]["bonuses"]) == (-10, 12)
        consult = {w: r["ranks"]["RANK_CONSULTATIONS"] for w, r in rows.items()}
        assert {w: (p["count"], p["place"], p["points"]) for w, p in consult.items()} == {
            "W-0101": (3, 1, 5),
            "W-0102": (3, 1, 5),
            "W-0103": (1, 3, 2),
            "W-0104": (0, None, 0),
        }

        ledger = (
            await client.get("/v1/workers/W-0101/ledger", params={"month": MONTH}, headers=OFFICE)
        ).json()
        complaint = [e for e in ledger["entries"] if e["rule"] == "COMPLAINT_VERIFIED"]
        assert len(complaint) == 1
        assert (complaint[0]["order_id"], complaint[0]["source"]) == ("GL-C1", "event")
        assert complaint[0]["cause"].startswith("投诉查证属实：工单 GL-C1，2026-09-09 ")
        assert complaint[0]["event_id"]
        adjustment = (
            await client.get("/v1/workers/W-0104/ledger", params={"month": MONTH}, headers=OFFICE)
        ).json()["entries"]
        assert [(e["rule"], e["entered_by"], e["adjustment"]) for e in adjustment] == [
            ("DRESS_BADGE", "P-0100", True)
        ]

        # The download holds what the API says.
        xlsx = await client.get(f"/v1/scores/{MONTH}.xlsx", headers=READER)
        assert xlsx.status_code == 200
        book = load_workbook(io.BytesIO(xlsx.content))
        sheet = book.worksheets[0]
        header = [c.value for c in sheet[2]]  # under the title row
        assert header[:3] == ["工号", "姓名", "部门"]
        final_col = header.index("最终得分")
        in_xlsx = {r[0]: r[final_col] for r in sheet.iter_rows(min_row=3, values_only=True)}
        assert in_xlsx == {r["worker_id"]: r["final"] for r in view["workers"]}
        assert "考核明细" in book.sheetnames
        await _a_heads_file_holds_their_department_only(client)
        csv_text = (await client.get(f"/v1/scores/{MONTH}.csv", headers=READER)).content
        assert csv_text.decode("utf-8-sig").splitlines()[0].startswith("工号,姓名,部门")

        # Quarter and year, from the closed month: finals 118 (W-0102), then 100 shared by the
        # four maintenance workers (all second: stars), W-0104 98, W-0103 94. W-0101 (102) has a
        # verified complaint this year: no star and no place (18(一)5 取消全年评优资格).
        quarter = (await client.get("/v1/quarters/2026-Q3", headers=READER)).json()
        assert quarter["months_closed"] == [MONTH]
        stars = sorted(r["worker_id"] for r in quarter["rows"] if r["star"])
        assert stars == ["W-0102", "W-0301", "W-0302", "W-0303", "W-0304"]
        excluded = [r for r in quarter["rows"] if r["worker_id"] == "W-0101"]
        assert [(r["award_excluded"], r["place"]) for r in excluded] == [(True, None)]
        year = (await client.get("/v1/years/2026", headers=READER)).json()
        yearly = {r["worker_id"]: r for r in year["rows"]}
        assert [w for w, r in yearly.items() if r["best"]] == ["W-0102"]
        assert yearly["W-0101"]["award_excluded"] is True
        assert not any(r["unqualified"] for r in yearly.values())
        year_xlsx = await client.get("/v1/years/2026.xlsx", headers=READER)
        assert load_workbook(io.BytesIO(year_xlsx.content)).sheetnames == ["2026 年度考核"]

        # Our own decisions reach the log before replaying it.
        async def decisions_on_the_log() -> None:
            types = [
                e.get("type")
                for e in await read_json(environment.bootstrap, environment.topics.activity)
            ]
            assert types.count("ScoreEntryRecorded") == 5 and types.count("MonthClosed") == 1

        await eventually(decisions_on_the_log)

        scoring: ScoringDeps = system.apps["scoring"].state.deps
        replay_url = await environment.databases.url("scoring_replay")
        settings = environment.env(
            {"kafka_bootstrap": environment.bootstrap, "topic_namespace": environment.namespace}
        )
        result = await asyncio.to_thread(
            CliRunner().invoke, cli, ["scoring", "rebuild", "--into", replay_url], env=settings
        )
        assert result.exit_code == 0, result.output
        assert "1 skipped" in result.output  # the complaint delivered twice

        replayed_db = Database(replay_url)
        await replayed_db.start()
        try:
            async with replayed_db.transaction() as session:
                replayed, _ = await queries.month_view(session, scoring.book, scoring.org, MONTH)
                replayed_ledgers = {
                    w: (
                        await queries.ledger_view(
                            session, scoring.book, scoring.org, w, MONTH, datetime.now(UTC)
                        )
                    ).model_dump(mode="json")
                    for w in EXPECTED
                }
        finally:
            await replayed_db.stop()
        assert json.loads(replayed.model_dump_json()) == view
        for worker, replayed_ledger in replayed_ledgers.items():
            live = await client.get(
                f"/v1/workers/{worker}/ledger", params={"month": MONTH}, headers=OFFICE
            )
            assert replayed_ledger == live.json()
