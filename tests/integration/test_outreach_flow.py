"""Outreach on the real broker and real databases, with the router (leave) and scoring (message
counts, the head's candidate queue): a planned outage notice from template to the ranking."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from services.outreach.app import create_app
from services.outreach.config import OutreachSettings
from services.outreach.store import LeaveRow
from shared.clock import LOCAL_TZ, ManualClock
from shared.db import Database
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, serve, token

pytestmark = pytest.mark.integration

WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
# A day ahead, as planned outages must be announced (config/notice_templates.yaml).
TOMORROW_10 = datetime(2026, 12, 3, 10, 0, tzinfo=LOCAL_TZ)
TOMORROW_16 = datetime(2026, 12, 3, 16, 0, tzinfo=LOCAL_TZ)
OPERATOR = token("operator", "op-1")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
UM_WORKER = token("department:USER_MAINTENANCE", "W-0303")
REASON = "更换DN300主管道阀门"


@asynccontextmanager
async def running_outreach(
    env: Environment, clock: ManualClock, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = OutreachSettings(**(await env.settings("outreach")), **overrides)
    app = create_app(settings, clock)
    async with serve(app) as client:
        client.app_db = app.state.runtime.db  # type: ignore[attr-defined]
        yield client


def expected_text(community: str) -> str:
    return (
        f"【停水通知】尊敬的{community}用户：因{REASON}，用户维修处定于12月3日10:00至12月3日16:00"
        "停水维修，届时请提前储水。给您带来不便，敬请谅解。咨询电话：96568。"
    )


async def test_a_planned_outage_for_three_communities_from_template_to_the_ranking(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        run_system(
            environment, clocks={"router": clock, "scoring": clock}, only=("router", "scoring")
        ) as system,
        running_outreach(environment, clock, sweep_seconds=0.1) as outreach,
    ):
        # W-0301, A post of UM-DC-03 (水城花园), is on leave this week: its B post W-0302 posts.
        leave = await system.router.put(
            "/v1/leave/W-0301",
            json={
                "leave": [{"from": "2026-12-01", "to": "2026-12-04", "reason": "年假"}],
                "immediate": True,  # leave covering today, as the console sends it
            },
            headers=UM_HEAD,
        )
        assert leave.status_code == 200, leave.text
        db: Database = outreach.app_db  # type: ignore[attr-defined]

        async def leave_known() -> None:
            async with db.transaction() as session:
                assert await session.get(LeaveRow, "W-0301") is not None

        await eventually(leave_known)

        started = await outreach.post(
            "/v1/campaigns",
            json={
                "template": "UM_MAINTENANCE_OUTAGE",
                "communities": ["水城花园", "古楼社区", "开发区花园"],
                "starts_at": TOMORROW_10.isoformat(),
                "ends_at": TOMORROW_16.isoformat(),
                "reason": REASON,
            },
            headers=OPERATOR,
        )
        assert started.status_code == 201, started.text
        campaign = started.json()
        tasks = {t["community"]: t for t in campaign["tasks"]}
        assert {c: (t["worker_id"], t["post"]) for c, t in tasks.items()} == {
            "水城花园": ("W-0302", "B"),
            "古楼社区": ("W-0302", "A"),
            "开发区花园": ("W-0303", "A"),
        }
        assert {c: t["text"] for c, t in tasks.items()} == {c: expected_text(c) for c in tasks}
        assert datetime.fromisoformat(campaign["deadline"]) == WEDNESDAY_10 + timedelta(hours=2)

        async def outage_on_the_log() -> dict[str, Any]:
            found = [
                e
                for e in await read_json(environment.bootstrap, environment.topics.activity)
                if e.get("type") == "OutageAnnounced"
            ]
            assert len(found) == 1
            return dict(found[0]["payload"])

        outage = await eventually(outage_on_the_log)
        assert outage["communities"] == ["水城花园", "古楼社区", "开发区花园"]
        assert datetime.fromisoformat(outage["starts_at"]) == TOMORROW_10

        # W-0303 posts it and marks it sent: one more message in the month's ranking.
        kf = tasks["开发区花园"]["task_id"]
        done = await outreach.post(f"/v1/notice-tasks/{kf}/sent", json={}, headers=UM_WORKER)
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "sent"
        again = await outreach.post(f"/v1/notice-tasks/{kf}/sent", json={}, headers=UM_WORKER)
        assert again.status_code == 200

        async def messages_of(worker: str) -> int:
            view = (await system.scoring.get("/v1/scores/2026-12", headers=UM_HEAD)).json()
            row = next(w for w in view["workers"] if w["worker_id"] == worker)
            return int(row["ranks"]["RANK_MESSAGES"]["count"])

        async def counted() -> None:
            assert await messages_of("W-0303") == 1

        await eventually(counted)

        # The other two pass their deadline unsent: the head is offered INFO_NOT_SENT, twice.
        clock.advance(timedelta(hours=2, minutes=1))

        async def proposed() -> list[dict[str, Any]]:
            listed = (await system.scoring.get("/v1/candidates", headers=UM_HEAD)).json()
            found = [c for c in listed if c["rule"] == "INFO_NOT_SENT"]
            assert len(found) == 2
            return found

        offered = await eventually(proposed)
        assert {(c["worker_id"], c["state"], c["points"]) for c in offered} == {
            ("W-0302", "pending", -2)
        }
        assert {c["source_ref"] for c in offered} == {
            tasks["水城花园"]["task_id"],
            tasks["古楼社区"]["task_id"],
        }
        ledger = await system.scoring.get(
            "/v1/workers/W-0302/ledger?month=2026-12", headers=UM_HEAD
        )
        assert ledger.json()["entries"] == []

        confirmed = await system.scoring.post(
            f"/v1/candidates/{offered[0]['candidate_id']}/confirm",
            json={"note": ""},
            headers=UM_HEAD,
        )
        assert confirmed.status_code == 200, confirmed.text
        entries = (
            await system.scoring.get("/v1/workers/W-0302/ledger?month=2026-12", headers=UM_HEAD)
        ).json()["entries"]
        assert [(e["rule"], e["points"]) for e in entries] == [("INFO_NOT_SENT", -2)]
        assert await messages_of("W-0302") == 0


async def test_a_responsible_worker_without_group_or_manager_contact_is_proposed_to_the_head(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        run_system(environment, clocks={"scoring": clock}, only=("scoring",)) as system,
        running_outreach(environment, clock) as outreach,
    ):
        # W-0303 and W-0304 share UM-KF-01 (开发区花园, 东城花园). W-0303 is in both groups.
        for community in ("开发区花园", "东城花园"):
            recorded = await outreach.post(
                "/v1/wechat-groups",
                json={
                    "community": community,
                    "worker_id": "W-0303",
                    "kind": "group",
                    "group_name": f"{community}业主群",
                    "members": 480,
                    "worker_in_group": True,
                },
                headers=UM_WORKER,
            )
            assert recorded.status_code == 201, recorded.text
        # W-0304: the 开发区花园 group is full, so the property manager's contact instead.
        contact = await outreach.post(
            "/v1/wechat-groups",
            json={
                "community": "开发区花园",
                "worker_id": "W-0304",
                "kind": "manager_contact",
                "manager_name": "物业刘经理",
                "note": "群已满500人",
            },
            headers=UM_HEAD,
        )
        assert contact.status_code == 201, contact.text

        async def on_the_log() -> None:
            log = await read_json(environment.bootstrap, environment.topics.activity)
            recorded = [e for e in log if e.get("type") == "WeChatGroupRecorded"]
            assert sorted((e["worker_id"], e["payload"]["kind"]) for e in recorded) == [
                ("W-0303", "group"),
                ("W-0303", "group"),
                ("W-0304", "manager_contact"),
            ]

        await eventually(on_the_log)
        gaps = (await outreach.get("/v1/wechat-groups/missing", headers=UM_HEAD)).json()
        kf = [(g["worker_id"], g["community"]) for g in gaps if g["grid"] == "UM-KF-01"]
        assert kf == [("W-0304", "东城花园")]

        checked = await outreach.post("/v1/wechat-groups/check", headers=UM_HEAD)
        assert checked.status_code == 200, checked.text
        assert checked.json()["proposed"] == len(gaps)
        again = await outreach.post("/v1/wechat-groups/check", headers=UM_HEAD)
        assert again.json()["proposed"] == 0  # once a month

        async def proposed() -> dict[str, Any]:
            listed = (await system.scoring.get("/v1/candidates", headers=UM_HEAD)).json()
            assert len([c for c in listed if c["rule"] == "WECHAT_GROUP_MISSING"]) == len(gaps)
            found = [
                c
                for c in listed
                if c["rule"] == "WECHAT_GROUP_MISSING" and c["worker_id"] in ("W-0303", "W-0304")
            ]
            assert [(c["worker_id"], c["source_ref"]) for c in found] == [("W-0304", "东城花园")]
            return dict(found[0])

        candidate = await eventually(proposed)
        assert candidate["state"] == "pending" and candidate["points"] == -2
        ledger = await system.scoring.get(
            "/v1/workers/W-0304/ledger?month=2026-12", headers=UM_HEAD
        )
        assert ledger.json()["entries"] == []
        confirmed = await system.scoring.post(
            f"/v1/candidates/{candidate['candidate_id']}/confirm",
            json={"note": ""},
            headers=UM_HEAD,
        )
        assert confirmed.status_code == 200, confirmed.text
        entries = (
            await system.scoring.get("/v1/workers/W-0304/ledger?month=2026-12", headers=UM_HEAD)
        ).json()["entries"]
        assert [(e["rule"], e["points"]) for e in entries] == [("WECHAT_GROUP_MISSING", -2)]


async def test_a_call_in_the_outage_window_from_one_of_its_communities_joins_the_outage_incident(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        run_system(
            environment, clocks={"intake": clock, "router": clock}, only=("intake", "router")
        ) as system,
        running_outreach(environment, clock) as outreach,
    ):
        started = await outreach.post(
            "/v1/campaigns",
            json={
                "template": "UM_MAINTENANCE_OUTAGE",
                "communities": ["水城花园", "古楼社区", "开发区花园"],
                "starts_at": TOMORROW_10.isoformat(),
                "ends_at": TOMORROW_16.isoformat(),
                "reason": REASON,
            },
            headers=OPERATOR,
        )
        assert started.status_code == 201, started.text

        async def outage_order() -> dict[str, Any]:
            found = [
                e
                for e in await read_json(environment.bootstrap, environment.topics.orders)
                if e.get("type") == "OrderReceived"
                and e["payload"]["source_ref"].startswith("outage:")
            ]
            assert len(found) == 1
            return found[0]

        primary = await eventually(outage_order)
        assert primary["payload"]["category"] == "OUTAGE"
        assert primary["payload"]["needs_reply"] is False

        def call(ticket: str, community: str, at: datetime, phone: str) -> dict[str, Any]:
            return {
                "ticket_id": ticket,
                "received_at": at.isoformat(),
                "operator_id": "op-017",
                "customer": {"name": "李先生", "phone": phone},
                "address": {"district": "东昌府区", "community": community, "building": "5"},
                "type": "停水",
                "description": "家里没水了",
            }

        during = TOMORROW_10 + timedelta(hours=1)
        calls = [
            call("96568-A", "水城花园", during, "0635-8212345"),  # in window and area: joins
            call("96568-B", "东城花园", during, "0635-8212346"),  # not one of its communities
            call("96568-C", "古楼社区", TOMORROW_16 + timedelta(hours=3), "0635-8212347"),  # after
        ]
        for body in calls:
            accepted = await system.intake.post("/v1/orders/96568", json=body, headers=OPERATOR)
            assert accepted.status_code == 201, accepted.text

        async def all_received() -> list[dict[str, Any]]:
            # The relay publishes in commit order: once C is on the log, every link is too.
            log = await read_json(environment.bootstrap, environment.topics.orders)
            refs = {e["payload"]["source_ref"] for e in log if e.get("type") == "OrderReceived"}
            assert {"96568-A", "96568-B", "96568-C"} <= refs
            return log

        log = await eventually(all_received)
        received = {
            e["payload"]["source_ref"]: e["order_id"]
            for e in log
            if e.get("type") == "OrderReceived"
        }
        links = [e for e in log if e.get("type") == "DuplicateLinked"]
        assert [(e["order_id"], e["payload"]["primary_order_id"]) for e in links] == [
            (received["96568-A"], primary["order_id"])
        ]
        assert "计划停水期间" in links[0]["payload"]["reason"]

        async def routed() -> tuple[set[str], set[str]]:
            log = await read_json(environment.bootstrap, environment.topics.orders)
            dispatched = {e["order_id"] for e in log if e.get("type") == "OrderDispatched"}
            linked = {e["order_id"] for e in log if e.get("type") == "OrderLinked"}
            assert {received["96568-B"], received["96568-C"]} <= dispatched
            assert received["96568-A"] in linked
            return dispatched, linked

        dispatched, _ = await eventually(routed)
        # The call in the window rides on the outage's own order: nobody is sent to it again.
        assert received["96568-A"] not in dispatched
        timeline = await system.intake.get(f"/v1/orders/{received['96568-A']}", headers=OPERATOR)
        assert timeline.status_code == 200, timeline.text


async def test_a_planned_outage_5_minutes_away_is_refused_unless_the_head_confirms_an_emergency(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    soon = {
        "template": "UM_MAINTENANCE_OUTAGE",
        "communities": ["水城花园"],
        "starts_at": (WEDNESDAY_10 + timedelta(minutes=5)).isoformat(),
        "ends_at": (WEDNESDAY_10 + timedelta(hours=4)).isoformat(),
        "reason": REASON,
    }
    async with running_outreach(environment, clock) as outreach:
        refused = await outreach.post("/v1/campaigns", json=soon, headers=OPERATOR)
        assert refused.status_code == 422, refused.text
        error = refused.json()
        assert error["field"] == "starts_at"
        assert "提前 24 小时" in str(error["detail"]) and "紧急停水" in str(error["detail"])
        by_head = await outreach.post("/v1/campaigns", json=soon, headers=UM_HEAD)
        assert by_head.status_code == 422, by_head.text  # not said to be an emergency

        urgent = {**soon, "emergency": True}
        not_a_head = await outreach.post("/v1/campaigns", json=urgent, headers=OPERATOR)
        assert (not_a_head.status_code, not_a_head.json()["field"]) == (403, "emergency")
        confirmed = await outreach.post("/v1/campaigns", json=urgent, headers=UM_HEAD)
        assert confirmed.status_code == 201, confirmed.text
        assert confirmed.json()["title"].startswith("【紧急停水】")
