"""A phone number in every free-text field of every input, in every way people write one, through
a full order life on the real broker and databases: afterwards no readable number is found on any
topic, in any dead letter, in the logs, or in any role's HTTP view — except the caller's phone in
the order view of the department the order was given to, which needs it to call back."""

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Table, select

from shared.clock import LOCAL_TZ, ManualClock
from shared.db import Database
from shared.masking import unmasked_phones
from tests.support.clocks import RunningClock
from tests.support.console import running_console, sign_in
from tests.support.kafka import produce, read_all, read_json
from tests.support.polling import eventually
from tests.support.routes import OWN, OWN_WORKER, ROLES, fill, headers, routes_of
from tests.support.system import Environment, run_system, serve, token

pytestmark = pytest.mark.integration

MOBILES = (
    "13906351234",
    "+86 139 0635 1234",
    "+8613806350301",
    "86-13806350301",
    "139-0635-1234",
    "139 0635 1234",
    "(+86)138-0635-0301",
    "0086 13906351234",
    "１３９０６３５１２３４",
)
RUN_TOGETHER = "户号010213906351234"
LANDLINE = "0635-8212345"
EVERY_FORMAT = "联系 " + " / ".join((*MOBILES, RUN_TOGETHER, LANDLINE))
CALLER_MOBILE = "13906351234"
ORDER_DAY_0930 = datetime(2026, 11, 27, 9, 30, tzinfo=LOCAL_TZ)
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
MONTH = "2026-11"


def short(i: int) -> str:
    """For fields of 20 characters: one format each, in turn."""
    return [m for m in MOBILES if len(m) <= 20][i % 7]


def order_12345() -> dict[str, Any]:
    return {
        "orderNo": "LC12345-PII-1",
        "acceptTime": "2026-11-27 09:15:32",
        "callerName": f"王女士{short(0)}",
        "callerPhone": CALLER_MOBILE,
        "address": f"聊城市东昌府区柳园街道水城花园3号楼2单元 {MOBILES[1]}",
        "category": f"城市管理-供水-漏水 {MOBILES[2]}",
        "title": f"漏水 {MOBILES[3]}",
        "content": f"持续冒水 {EVERY_FORMAT}",
        "urgency": "紧急",
        "deadline": "2026-11-30 09:15:32",
    }


def call_96568(
    ticket: str, kind: str, named: str | None = None, what: str = "水压低"
) -> dict[str, Any]:
    return {
        "ticket_id": ticket,
        "received_at": "2026-11-27T09:20:00+08:00",
        "operator_id": "op-017",
        "customer": {"name": f"李先生{short(1)}", "phone": LANDLINE},
        "address": {
            "district": f"东昌府区{short(2)}",
            "community": f"水城花园 {MOBILES[4]}",
            "building": short(3),
            "unit": short(4),
            "room": short(5),
            "text": f"水城花园5号楼 {EVERY_FORMAT}",
        },
        "type": kind,
        "description": f"{what} {EVERY_FORMAT}",
        "named_worker_id": named,
    }


def grid_report(report_id: str, kind: str = "facility") -> dict[str, Any]:
    report: dict[str, Any] = {
        "report_id": report_id,
        "worker_id": OWN_WORKER,
        "grid_id": "UM-DC-03",
        "kind": kind,
        "finding": f"水表井盖损坏 {MOBILES[6]}",
        "category": f"设施 {MOBILES[7]}",
        "location": {
            "community": f"水城花园{short(6)}",
            "building": short(0),
            "unit": short(1),
            "room": short(2),
            "note": f"7号楼东侧 {EVERY_FORMAT}"[:300],
        },
        "note": f"井盖碎裂 {EVERY_FORMAT}",
        "caller_name": f"张{short(3)}",
        "caller_phone": CALLER_MOBILE,
        "reported_at": "2026-11-27T10:02:11+08:00",
    }
    if kind == "vulnerable_household":
        report["household"] = {
            "name": f"赵{short(4)}",
            "phone": CALLER_MOBILE,
            "reason": "独居老人",
        }
    return report


async def submit(client: httpx.AsyncClient, path: str, body: Any, role: str = "operator") -> Any:
    got = await client.post(path, json=body, headers=headers(role))
    assert got.status_code in (200, 201), (path, got.text)
    return got.json()


async def holder(intake: httpx.AsyncClient, order_id: str) -> str:
    async def given() -> str:
        view = (await intake.get(f"/v1/orders/{order_id}", headers=headers("ops"))).json()
        assert view.get("handling_department"), view
        return str(view["handling_department"])

    return await eventually(given)


async def act(router: httpx.AsyncClient, order_id: str, action: str, body: Any, role: str) -> None:
    got = await router.post(f"/v1/orders/{order_id}/{action}", json=body, headers=headers(role))
    assert got.status_code == 200, (action, got.text)


async def order_life(router: httpx.AsyncClient, order_id: str, department: str) -> None:
    staff, head = f"department:{department}", f"head:{department}"
    await act(router, order_id, "acknowledge", None, staff)
    first = (ORDER_DAY_0930 + timedelta(hours=4)).isoformat()
    second = (ORDER_DAY_0930 + timedelta(hours=6)).isoformat()
    await act(router, order_id, "appointment", {"appointment_at": first}, staff)
    again = {"appointment_at": second, "explanation": f"用户改约 {EVERY_FORMAT}"[:1000]}
    await act(router, order_id, "appointment", again, staff)
    note = {"note": f"已到场 {EVERY_FORMAT}", "arrived_on_site": True}
    await act(router, order_id, "progress", note, staff)
    ask = {"extra_working_days": 1, "reason": f"待料 {EVERY_FORMAT}"}
    await act(router, order_id, "extension", ask, staff)
    await act(
        router, order_id, "extension/decision", {"approve": False, "reason": EVERY_FORMAT}, head
    )
    await act(router, order_id, "extension", ask, staff)
    await act(
        router, order_id, "extension/decision", {"approve": True, "reason": EVERY_FORMAT}, head
    )
    done = {"handling_notes": f"已修复 {EVERY_FORMAT}", "public_reply": f"已修复 {EVERY_FORMAT}"}
    await act(router, order_id, "resolve", done, staff)


def readable(response: httpx.Response) -> str:
    if "spreadsheetml" in response.headers.get("content-type", ""):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return response.text


def leaks(text: str, where: str) -> list[str]:
    return [f"{where}: {found}" for found in unmasked_phones(text)]


async def test_no_phone_is_readable_anywhere_but_in_the_assignees_order_view(
    environment: Environment, capfd: pytest.CaptureFixture[str]
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    clocks = dict.fromkeys(("intake", "router", "sla", "scoring"), clock)
    async with run_system(environment, clocks=clocks) as system:  # type: ignore[arg-type]
        intake, router, scoring = system.intake, system.router, system.scoring
        main = (await submit(intake, "/v1/orders/12345", order_12345()))["order_id"]
        returned = (
            await submit(
                intake, "/v1/orders/96568", call_96568("96568-PII-1", f"水压低 {MOBILES[5]}")
            )
        )["order_id"]
        complaint_call = call_96568("96568-PII-2", "投诉", OWN_WORKER, "网格员服务态度差")
        complaint = (await submit(intake, "/v1/orders/96568", complaint_call))["order_id"]
        report = (await submit(intake, "/v1/grid-reports", grid_report("r-pii-1")))["order_id"]
        await submit(intake, "/v1/grid-reports", grid_report("r-pii-2", "vulnerable_household"))
        activity = {
            "activity_id": "a-pii-1",
            "worker_id": OWN_WORKER,
            "kind": "consultation",
            "channel": short(5),
            "at": "2026-11-27T10:30:00+08:00",
            "note": f"解答水价 {EVERY_FORMAT}",
        }
        await submit(intake, "/v1/grid-activity", activity, f"department:{OWN}")
        care = {
            "name": f"孙{short(6)}",
            "phone": CALLER_MOBILE,
            "community": f"水城花园 {MOBILES[0]}",
            "building": short(1),
            "unit": short(2),
            "room": short(3),
            "reason": f"独居 {MOBILES[4]}",
            "note": f"每周探访 {EVERY_FORMAT}"[:1000],
        }
        entry = await submit(intake, "/v1/care-register", care, f"department:{OWN}")
        await submit(
            intake, f"/v1/care-register/{entry['id']}/retire", {"reason": MOBILES[8]}, f"head:{OWN}"
        )

        department_of_main = await holder(intake, main)
        await order_life(router, main, department_of_main)
        back = await holder(intake, returned)
        reason = {"reason": f"不属于本部门 {EVERY_FORMAT}"[:1000]}
        await act(router, returned, "return", reason, f"department:{back}")
        accused = await holder(intake, complaint)
        verdict = {"verified": True, "note": f"查实 {EVERY_FORMAT}"[:1000]}
        await act(router, complaint, "verify-complaint", verdict, f"head:{accused}")

        head = headers(f"head:{OWN}")
        roster = [
            (
                "/v1/leave/W-0302",
                {
                    "leave": [{"from": "2026-12-07", "to": "2026-12-08", "reason": short(0)}],
                    "note": EVERY_FORMAT[:500],
                },
            ),
            (
                "/v1/roster/overrides/W-0302",
                {
                    "overrides": [
                        {
                            "from": "2026-12-05T08:00:00+08:00",
                            "to": "2026-12-05T12:00:00+08:00",
                            "available": True,
                            "reason": short(1),
                        }
                    ],
                    "note": short(2),
                },
            ),
            (
                "/v1/roster/swaps/UM-T1",
                {
                    "swaps": [{"date": "2026-12-05", "person": "P-0211", "reason": short(3)}],
                    "note": short(4),
                },
            ),
            (
                "/v1/roster/rotations/UM-T1",
                {"people": ["P-0212", "P-0211", "P-0210"], "note": short(5)},
            ),
        ]
        for path, body in roster:
            got = await router.put(path, json=body, headers=head)
            assert got.status_code == 200, (path, got.text)
        scored = await submit(
            scoring,
            f"/v1/workers/{OWN_WORKER}/entries",
            {"rule": "PENNANT", "reason": f"锦旗 {EVERY_FORMAT}", "evidence": short(6)},
            f"head:{OWN}",
        )
        await submit(
            scoring,
            f"/v1/workers/{OWN_WORKER}/entries/{scored['entry_id']}/corrections",
            {"reason": EVERY_FORMAT},
            f"head:{OWN}",
        )

        # Poison on both inputs: the dead letters must not copy the phone either.
        raw = {
            "source": "12345",
            "payload": {**order_12345(), "orderNo": "", "content": EVERY_FORMAT},
        }
        await produce(
            environment.bootstrap,
            environment.topics.intake_raw,
            json.dumps(raw, ensure_ascii=False).encode(),
        )
        poison = {"type": "OrderReceived", "order_id": "GL-X", "payload": {"content": EVERY_FORMAT}}
        injected = json.dumps(poison, ensure_ascii=False).encode()
        await produce(environment.bootstrap, environment.topics.orders, injected, key=b"GL-X")

        async def life_complete() -> None:
            view = (await intake.get(f"/v1/orders/{main}", headers=headers("ops"))).json()
            assert "ReplySent" in [e["type"] for e in view["timeline"]], view["timeline"]
            letters = await read_all(environment.bootstrap, environment.topics.dlq)
            assert len(letters) >= 2, letters

        await eventually(life_complete, within=60)

        found: list[str] = []
        topics = environment.topics
        for topic in (topics.orders, topics.activity, topics.dlq):
            for value in await read_all(environment.bootstrap, topic):
                if value != injected:  # the outside producer's own message, not ours
                    found += leaks(value.decode("utf-8", "replace"), topic)

        values = {
            "month": MONTH,
            "quarter": "2026-Q4",
            "year": "2026",
            "worker_id": OWN_WORKER,
            "incident_id": "INC-NONE",
            "primary_order_id": main,
            "unit": "UM-T1",
            "call_id": "CALL-NONE",  # the pop-up's caller: the named operator's only (own test)
        }
        orders = (main, returned, complaint, report)
        for route in routes_of(system.apps):
            if route.method != "GET":
                continue
            client = {"intake": intake, "router": router, "sla": system.sla, "scoring": scoring}[
                route.service
            ]
            for role in ROLES:
                department = role.split(":", 1)[1] if ":" in role else OWN
                for order_id in orders if "{order_id}" in route.path else orders[:1]:
                    url = fill(route.path, {**values, "order_id": order_id})
                    params = {
                        "month": MONTH,
                        "department": department,
                        "include_retired": "true",
                        "source": "96568",  # the search lists the latest calls, phones and all
                    }
                    got = await client.get(url, params=params, headers=headers(role))
                    text = readable(got)
                    found += leaks(text, f"{role} GET {url}")
        for kind in ("csv", "xlsx"):
            for role in ROLES:
                got = await scoring.get(f"/v1/scores/{MONTH}.{kind}", headers=headers(role))
                found += leaks(readable(got), f"{role} scores.{kind}")
        # The seeded text did reach the views, masked (the scan above looked at real content).
        timeline = (await intake.get(f"/v1/orders/{main}", headers=headers("operator"))).text
        ledger = await scoring.get(f"/v1/workers/{OWN_WORKER}/ledger", headers=headers("ops"))
        # Only the person the order is assigned to reads the number (they call back); their
        # colleagues in the same department, like every role scanned above, read it masked.
        staff = f"department:{department_of_main}"
        routed = await router.get(f"/v1/orders/{main}", headers=headers(staff))
        assignee_id = routed.json()["assignee_id"]
        assignee = await intake.get(f"/v1/orders/{main}", headers=token(staff, assignee_id))
        colleague = await intake.get(f"/v1/orders/{main}", headers=headers(staff))

    output = capfd.readouterr()
    found += leaks(output.out + output.err, "logs")
    assert found == [], "\n".join(found[:40])
    assert "+86 139****1234" in timeline and "86-138****0301" in timeline
    assert "+86 139****1234" in ledger.text
    assert assignee.json()["caller_phone"] == CALLER_MOBILE
    assert colleague.json()["caller_phone"] != CALLER_MOBILE


def alertmanager(fingerprint: str) -> dict[str, Any]:
    """Alertmanager's webhook with a phone in every text it carries (a rule's annotations quote
    whatever the alert's author wrote)."""
    labels = {
        "alertname": f"GridlineHotline{short(0)}",
        "severity": "critical",
        f"caller{MOBILES[0]}": f"值班 {short(1)}",
        "instance": EVERY_FORMAT[:100],
    }
    annotations = {
        "summary": f"热线告警 {EVERY_FORMAT}",
        "description": f"请联系 {EVERY_FORMAT}",
        f"runbook{MOBILES[0]}": EVERY_FORMAT,
    }
    alert = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations,
        "startsAt": "2026-12-02T02:00:00Z",
        "fingerprint": fingerprint,
    }
    return {
        "version": short(2)[:40],
        "status": short(3)[:40],
        "receiver": EVERY_FORMAT[:200],
        "commonLabels": labels,
        "alerts": [alert],
    }


def outreach_writes(worker: str, starts: datetime) -> list[tuple[str, str, dict[str, Any]]]:
    """(role, path, body): every request outreach takes that carries text a person typed."""
    return [
        (
            "operator",
            "/v1/campaigns",
            {
                "template": "UM_MAINTENANCE_OUTAGE",
                "communities": ["水城花园", "柳园小区"],
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=6)).isoformat(),
                "reason": f"更换阀门 {EVERY_FORMAT}"[:200],
            },
        ),
        (
            f"department:{OWN}",
            "/v1/wechat-groups",
            {
                "community": f"水城花园 {MOBILES[6]}",
                "worker_id": worker,
                "kind": "group",
                "group_name": f"水城花园业主群 {EVERY_FORMAT}"[:100],
                "members": 120,
                "worker_in_group": True,
                "manager_name": f"周经理 {MOBILES[1]}",
                "note": f"群主 {EVERY_FORMAT}"[:200],
            },
        ),
        (
            f"head:{OWN}",
            "/v1/wechat-groups",
            {
                "community": f"柳园小区{short(4)}",
                "worker_id": worker,
                "kind": "manager_contact",
                "manager_name": f"吴 {MOBILES[7]}",
                "note": EVERY_FORMAT[:200],
            },
        ),
        (
            f"head:{OWN}",
            "/v1/trainings",
            {
                "held_on": "2026-11-20",
                "topic": f"漏水抢修 {EVERY_FORMAT}"[:200],
                "trainer": f"钱主任 {MOBILES[2]}",
                "attendees": [worker],
            },
        ),
    ]


async def stored_leaks(db: Database, tables: list[Table], skip: set[str]) -> list[str]:
    """Every unmasked phone in any text a service's database keeps (``skip``: the columns that
    must keep a number to reach someone, like a delivery's SMS target)."""
    found: list[str] = []
    async with db.transaction() as session:
        for table in tables:
            for row in (await session.execute(select(table))).mappings():
                for column, value in row.items():
                    where = f"{table.name}.{column}"
                    if value is not None and where not in skip:
                        found += leaks(str(value), f"stored {where}")
    return found


async def document_gets(client: httpx.AsyncClient) -> list[str]:
    """Every GET path of a service, from its own OpenAPI document."""
    paths = (await client.get("/openapi.json")).json()["paths"]
    return [path for path, operations in paths.items() if "get" in operations]


CONSOLE_PAGES = (
    "/",
    "/operator",
    "/operator/live",
    "/search?q=水城花园",
    "/inbox",
    "/head",
    "/head/roster",
    "/duty",
    "/messages",
    "/notices",
)
CONSOLE_USERS = ("operator", "ops", "p-0200", "w-0301")


async def console_leaks(console: httpx.AsyncClient) -> tuple[list[str], dict[str, str]]:
    """Every page as each kind of user sees it; also the pages' text, by user and path."""
    found: list[str] = []
    pages: dict[str, str] = {}
    for user in CONSOLE_USERS:
        await sign_in(console, user)
        for path in CONSOLE_PAGES:
            got = await console.get(path)
            pages[f"{user} {path}"] = got.text
            found += leaks(got.text, f"console {user} {path}")
    return found, pages


async def test_no_phone_is_stored_or_shown_by_notify_outreach_or_the_care_register(
    environment: Environment, capfd: pytest.CaptureFixture[str]
) -> None:
    from services.intake.store import CareEntryRow
    from services.notify.app import create_app as notify_app
    from services.notify.config import NotifySettings
    from services.notify.store import Base as NotifyBase
    from services.outreach.app import create_app as outreach_app
    from services.outreach.config import OutreachSettings
    from services.outreach.store import Base as OutreachBase

    clock = ManualClock(WEDNESDAY_10)
    apps = {
        "notify": notify_app(NotifySettings(**await environment.settings("notify")), clock),
        "outreach": outreach_app(OutreachSettings(**await environment.settings("outreach")), clock),
    }
    async with (
        run_system(environment, only=("intake",)) as system,
        serve(apps["notify"]) as notify,
        serve(apps["outreach"]) as outreach,
        running_console(environment, {"intake": system.apps["intake"], **apps}) as console,
    ):
        intake = system.intake
        found: list[str] = []

        # The care register: a correction and a retirement, as typed by a grid worker.
        care = {"name": "孙", "phone": CALLER_MOBILE, "reason": "独居", "note": ""}
        entry = await submit(intake, "/v1/care-register", care, f"department:{OWN}")
        correction = {**care, "reason": f"独居 {MOBILES[4]}", "note": f"每周探访 {EVERY_FORMAT}"}
        corrected = await intake.put(
            f"/v1/care-register/{entry['id']}", json=correction, headers=headers(f"head:{OWN}")
        )
        assert corrected.status_code == 200, corrected.text
        retired = {"reason": f"已搬离 {EVERY_FORMAT}"[:200]}
        await submit(intake, f"/v1/care-register/{entry['id']}/retire", retired, f"head:{OWN}")

        # Alertmanager's webhook; a repeat with the same fingerprint plans nothing new.
        for _ in range(2):
            got = await notify.post(
                "/v1/alerts", json=alertmanager(short(5)), headers=headers("ops")
            )
            assert got.status_code == 200, got.text

        async def alert_recorded() -> str:
            got = await notify.get("/v1/messages", headers=headers("ops"))
            assert got.json()["total"] >= 1, got.text
            return got.text

        messages = await eventually(alert_recorded)

        campaign_id = ""
        for role, path, body in outreach_writes(OWN_WORKER, WEDNESDAY_10 + timedelta(days=1)):
            answer = await submit(outreach, path, body, role)
            campaign_id = answer.get("campaign_id", campaign_id)
            found += leaks(json.dumps(answer, ensure_ascii=False), f"{role} POST {path}")
        # A refusal that quotes what was typed quotes it masked.
        unknown = {**outreach_writes(OWN_WORKER, WEDNESDAY_10)[0][2]}
        unknown["communities"] = [f"无此小区 {MOBILES[3]}"]
        refused = await outreach.post("/v1/campaigns", json=unknown, headers=headers("operator"))
        assert refused.status_code == 422, refused.text
        found += leaks(refused.text, "the refused campaign")

        async def announced() -> None:
            types = [e.get("type") for e in await read_json(environment.bootstrap, topics.activity)]
            assert {"OutageAnnounced", "WeChatGroupRecorded", "TrainingRecorded"} <= set(types)

        topics = environment.topics
        await eventually(announced)
        for topic in (topics.orders, topics.activity, topics.dlq):
            for value in await read_all(environment.bootstrap, topic):
                found += leaks(value.decode("utf-8", "replace"), topic)

        values = {
            "order_id": "GL-NONE",
            "token": "x",
            "campaign_id": campaign_id,
            "year": "2026",
            "task_id": "NONE",
        }
        for service, client in (("notify", notify), ("outreach", outreach)):
            for path in await document_gets(client):
                for role in ROLES:
                    department = role.split(":", 1)[1] if ":" in role else OWN
                    params = {"department": department}
                    got = await client.get(fill(path, values), params=params, headers=headers(role))
                    found += leaks(readable(got), f"{role} {service} GET {path}")
        register = await intake.get(
            "/v1/care-register", params={"include_retired": "true"}, headers=headers(f"head:{OWN}")
        )
        found += leaks(register.text, "GET /v1/care-register")
        shown, pages = await console_leaks(console.client)
        found += shown
        groups = await outreach.get("/v1/wechat-groups", headers=headers(f"head:{OWN}"))
        trainings = await outreach.get("/v1/trainings/2026.xlsx", headers=headers(f"head:{OWN}"))

        notify_db: Database = apps["notify"].state.runtime.db
        outreach_db: Database = apps["outreach"].state.runtime.db
        found += await stored_leaks(
            notify_db, list(NotifyBase.metadata.sorted_tables), {"deliveries.target"}
        )
        found += await stored_leaks(outreach_db, list(OutreachBase.metadata.sorted_tables), set())
        intake_db: Database = system.apps["intake"].state.runtime.db
        care_table = CareEntryRow.__table__
        columns = [care_table.c.reason, care_table.c.note, care_table.c.retired_reason]
        async with intake_db.transaction() as session:
            for row in (await session.execute(select(*columns))).mappings():
                found += leaks(" ".join(str(v) for v in row.values()), "stored care_register")
            kept = (await session.execute(select(*columns))).all()

    output = capfd.readouterr()
    found += leaks(output.out + output.err, "logs")
    assert found == [], "\n".join(found[:40])
    # The seeded text did arrive, masked: the scans above read real content.
    assert "+86 139****1234" in messages
    assert "+86 139****1234" in groups.text and "139****1234" in readable(trainings)
    assert any("+86 139****1234" in str(row) for row in kept)
    assert "+86 139****1234" in pages["ops /messages"]
    assert "+86 139****1234" in pages["p-0200 /notices"]
