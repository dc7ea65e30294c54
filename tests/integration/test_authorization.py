"""Every route of all six services (read from the OpenAPI documents) × every role × the own and
another department: nobody gets a success the access rules (docs/architecture.md, "Who may read
and do what") do not give them, and those they do give are not refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from shared.clock import LOCAL_TZ
from shared.paths import EXAMPLES_DIR
from tests.support.polling import eventually
from tests.support.routes import (
    OTHER,
    OWN,
    OWN_TEAM,
    OWN_TEAM_PEOPLE,
    OWN_WORKER,
    ROLES,
    Route,
    call,
    headers,
    routes_of,
)
from tests.support.system import Environment, run_system

ORDER_DAY_0930 = datetime(2026, 11, 27, 9, 30, tzinfo=LOCAL_TZ)
MONTH = "2026-11"

EVERYONE = frozenset(ROLES)
FIELD_STAFF = frozenset({"operator", "admin"} | {r for r in ROLES if ":" in r})
OWN_STAFF = frozenset({f"department:{OWN}", f"head:{OWN}", "admin"})
OWN_HEAD = frozenset({f"head:{OWN}", "admin"})
HEADS_AND_STAFF = frozenset({"admin"} | {r for r in ROLES if ":" in r})
TIMELINE_READERS = frozenset({"operator", "ops", "admin", f"department:{OWN}", f"head:{OWN}"})
HEADS = frozenset({f"head:{OWN}", f"head:{OTHER}", "admin"})
OWN_HEAD_OR_OPS = frozenset({f"head:{OWN}", "ops", "admin"})
# Outreach's readers of one department (the query names OWN): its staff, operators and ops.
OUTREACH_READERS = frozenset({"operator", "ops", "admin", f"department:{OWN}", f"head:{OWN}"})
# Routes anyone may open without a token: a message's signed link is its own credential.
PUBLIC = frozenset({"notify GET /l/{token}"})

# Who may succeed on each route, with the order and every named thing belonging to OWN.
ALLOWED: dict[str, frozenset[str]] = {
    "intake POST /v1/orders/12345": frozenset({"operator", "admin"}),
    "intake POST /v1/orders/12345/batch": frozenset({"operator", "admin"}),
    "intake POST /v1/orders/96568": frozenset({"operator", "admin"}),
    "intake POST /v1/orders/96568/batch": frozenset({"operator", "admin"}),
    "intake POST /v1/grid-reports": FIELD_STAFF,
    "intake POST /v1/grid-reports/batch": FIELD_STAFF,
    "intake POST /v1/grid-activity": FIELD_STAFF,
    "intake GET /v1/orders/{order_id}": TIMELINE_READERS,
    "intake GET /v1/replies/pending": frozenset({"operator", "ops", "admin"}),
    "intake GET /v1/incidents/{incident_id}": EVERYONE,
    "intake GET /v1/incidents/{incident_id}/page": EVERYONE,
    "intake GET /v1/search/orders": TIMELINE_READERS,
    "intake GET /v1/planned-outages": EVERYONE,
    "intake POST /v1/planned-outages": frozenset({f"head:{OWN}", f"head:{OTHER}", "ops", "admin"}),
    "intake POST /v1/care-register": HEADS_AND_STAFF,
    "intake GET /v1/care-register": frozenset({f"head:{OWN}", f"head:{OTHER}", "admin"}),
    "intake PUT /v1/care-register/{entry_id}": HEADS_AND_STAFF,
    "intake POST /v1/care-register/{entry_id}/retire": HEADS_AND_STAFF,
    "router GET /v1/inbox": OWN_STAFF,
    "router GET /v1/orders/{order_id}": OWN_STAFF,
    "router POST /v1/orders/{order_id}/acknowledge": OWN_STAFF,
    "router POST /v1/orders/{order_id}/appointment": OWN_STAFF,
    "router POST /v1/orders/{order_id}/progress": OWN_STAFF,
    "router POST /v1/orders/{order_id}/return": OWN_STAFF,
    "router POST /v1/orders/{order_id}/extension": OWN_STAFF,
    "router POST /v1/orders/{order_id}/extension/decision": OWN_HEAD,
    "router POST /v1/orders/{order_id}/resolve": OWN_STAFF,
    "router POST /v1/orders/{order_id}/verify-complaint": OWN_HEAD,
    "router POST /v1/orders/{order_id}/split": OWN_STAFF,
    "router GET /v1/incidents/{primary_order_id}": OWN_STAFF,
    "router GET /v1/routing/preview": frozenset({"operator", "ops", "admin"}) | HEADS_AND_STAFF,
    "router GET /v1/coverage": frozenset({f"head:{OWN}", "ops", "admin"}),
    "router GET /v1/roster": HEADS_AND_STAFF | {"ops"},
    "router GET /v1/leave": HEADS_AND_STAFF | {"ops"},
    "router PUT /v1/leave/{person_id}": OWN_HEAD,
    "router PUT /v1/roster/overrides/{person_id}": OWN_HEAD,
    "router PUT /v1/roster/rotations/{unit}": OWN_HEAD,
    "router PUT /v1/roster/swaps/{unit}": OWN_HEAD,
    "router GET /v1/duty/orders": frozenset({"ops", "admin"}),
    "router GET /v1/roster/audit": frozenset({f"head:{OWN}", f"head:{OTHER}", "admin"}),
    "sla GET /v1/sla/overview": EVERYONE,
    "sla GET /v1/sla/at-risk": EVERYONE,
    "sla GET /v1/sla/duty-board": EVERYONE,
    "sla GET /v1/sla/orders/{order_id}": TIMELINE_READERS,
    "scoring GET /v1/counts/{month}": EVERYONE,
    "scoring GET /v1/rules": EVERYONE,
    "scoring GET /v1/scores/{month}": EVERYONE,
    "scoring GET /v1/workers/{worker_id}/ledger": frozenset({f"head:{OWN}", "ops", "admin"}),
    "scoring POST /v1/workers/{worker_id}/entries": OWN_HEAD,
    "scoring POST /v1/workers/{worker_id}/entries/{entry_id}/corrections": OWN_HEAD,
    "scoring POST /v1/months/{month}/close": frozenset({"ops", "admin"}),
    "scoring GET /v1/candidates": frozenset({f"head:{OWN}", f"head:{OTHER}", "admin"}),
    "scoring POST /v1/candidates/{candidate_id}/confirm": OWN_HEAD,
    "scoring POST /v1/candidates/{candidate_id}/dismiss": OWN_HEAD,
    "scoring GET /v1/quarters/{quarter}": EVERYONE,
    "scoring GET /v1/years/{year}": EVERYONE,
    "notify GET /v1/messages": EVERYONE,
    "notify GET /v1/orders/{order_id}/notifications": EVERYONE,
    "notify POST /v1/alerts": frozenset({"ops", "admin"}),
    "notify GET /l/{token}": EVERYONE,
    "outreach POST /v1/campaigns": frozenset({"operator", f"head:{OWN}", "admin"}),
    "outreach GET /v1/campaigns/{campaign_id}": OUTREACH_READERS,
    "outreach GET /v1/notice-tasks": OUTREACH_READERS,
    "outreach POST /v1/notice-tasks/{task_id}/sent": OWN_STAFF,
    "outreach POST /v1/wechat-groups": OWN_STAFF,
    "outreach GET /v1/wechat-groups": OUTREACH_READERS,
    "outreach GET /v1/wechat-groups/missing": OWN_HEAD_OR_OPS,
    "outreach POST /v1/wechat-groups/check": OWN_HEAD_OR_OPS,
    # A head records their own department's trainings (the attendees are checked against it).
    "outreach POST /v1/trainings": HEADS,
    "outreach GET /v1/trainings/{year}.xlsx": OUTREACH_READERS,
    "outreach GET /v1/trainings/{year}": OUTREACH_READERS,
}

# Writes that end or move the order run last, so the others meet it in a state they can act on.
LAST = (
    "router POST /v1/orders/{order_id}/resolve",
    "router POST /v1/orders/{order_id}/return",
    "scoring POST /v1/months/{month}/close",
)


class RunningClock:
    """Real time, shifted to start at a chosen instant (the A post is at work then)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def example(name: str) -> Any:
    import json

    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


def sample_bodies() -> dict[str, Any]:
    counter = iter(range(1, 10_000))

    def order() -> dict[str, Any]:
        return {**example("12345_order.json"), "orderNo": f"LC-AUTH-{next(counter)}"}

    def call_96568() -> dict[str, Any]:
        return {**example("96568_call.json"), "ticket_id": f"96568-AUTH-{next(counter)}"}

    def report() -> dict[str, Any]:
        return {**example("grid_report.json"), "report_id": f"r-auth-{next(counter)}"}

    care = {"name": "王大爷", "phone": "13906351234", "reason": "独居老人"}
    alert = {
        "status": "firing",
        "labels": {"alertname": "GridlineDeadlinePollerBehind", "severity": "warning"},
        "annotations": {"summary": "时限轮询落后"},
        "startsAt": "2026-11-27T01:00:00Z",
        "fingerprint": "auth-walk",
    }
    campaign = {
        "template": "UM_MAINTENANCE_OUTAGE",
        "communities": ["水城花园"],
        "starts_at": (ORDER_DAY_0930 + timedelta(days=1)).isoformat(),
        "ends_at": (ORDER_DAY_0930 + timedelta(days=1, hours=6)).isoformat(),
        "reason": "更换阀门",
    }
    later = (ORDER_DAY_0930 + timedelta(hours=5)).isoformat()
    return {
        "intake POST /v1/orders/12345": order,
        "intake POST /v1/orders/12345/batch": lambda: [order()],
        "intake POST /v1/orders/96568": call_96568,
        "intake POST /v1/orders/96568/batch": lambda: [call_96568()],
        "intake POST /v1/grid-reports": report,
        "intake POST /v1/grid-reports/batch": lambda: [report()],
        "intake POST /v1/grid-activity": lambda: {
            **example("grid_activity.json")[0],
            "activity_id": f"a-auth-{next(counter)}",
        },
        "intake POST /v1/care-register": care,
        "intake POST /v1/planned-outages": {
            "communities": ["水城花园"],
            "starts_at": (ORDER_DAY_0930 + timedelta(days=1)).isoformat(),
            "ends_at": (ORDER_DAY_0930 + timedelta(days=1, hours=6)).isoformat(),
            "reason": "DN300主管更换",
        },
        "router POST /v1/orders/{order_id}/split": {"reason": "另一处漏点"},
        "scoring POST /v1/candidates/{candidate_id}/confirm": {"note": "已核实"},
        "scoring POST /v1/candidates/{candidate_id}/dismiss": {"reason": "基站故障"},
        "intake PUT /v1/care-register/{entry_id}": care,
        "intake POST /v1/care-register/{entry_id}/retire": {"reason": "已搬离"},
        "router POST /v1/orders/{order_id}/appointment": {"appointment_at": later},
        "router POST /v1/orders/{order_id}/progress": {"note": "已到场", "arrived_on_site": True},
        "router POST /v1/orders/{order_id}/return": {"reason": "不属于本部门"},
        "router POST /v1/orders/{order_id}/extension": {"extra_working_days": 1, "reason": "待料"},
        "router POST /v1/orders/{order_id}/extension/decision": {"approve": True},
        "router POST /v1/orders/{order_id}/resolve": {
            "handling_notes": "已更换管件",
            "public_reply": "已修复",
        },
        "router POST /v1/orders/{order_id}/verify-complaint": {"verified": False},
        "router PUT /v1/leave/{person_id}": {
            "leave": [{"from": "2026-12-07", "to": "2026-12-08", "reason": "年假"}]
        },
        "router PUT /v1/roster/overrides/{person_id}": {"overrides": []},
        "router PUT /v1/roster/rotations/{unit}": {"people": OWN_TEAM_PEOPLE},
        "router PUT /v1/roster/swaps/{unit}": {"swaps": []},
        "scoring POST /v1/workers/{worker_id}/entries": {"rule": "PENNANT", "reason": "获赠锦旗"},
        "scoring POST /v1/workers/{worker_id}/entries/{entry_id}/corrections": {"reason": "录错"},
        "notify POST /v1/alerts": {"version": "4", "status": "firing", "alerts": [alert]},
        "outreach POST /v1/campaigns": campaign,
        "outreach POST /v1/notice-tasks/{task_id}/sent": {},
        "outreach POST /v1/wechat-groups": {
            "community": "水城花园",
            "worker_id": OWN_WORKER,
            "kind": "group",
            "group_name": "水城花园业主群",
            "members": 120,
            "worker_in_group": True,
        },
        "outreach POST /v1/trainings": {
            "held_on": "2026-11-20",
            "topic": "管网巡检",
            "trainer": "王工",
            "attendees": [OWN_WORKER],
        },
    }


async def dispatched_order(intake: httpx.AsyncClient) -> str:
    body = {**example("12345_order.json"), "orderNo": "LC-AUTH-ORDER"}
    created = await intake.post("/v1/orders/12345", json=body, headers=headers("operator"))
    assert created.status_code == 201, created.text
    order_id: str = created.json()["order_id"]

    async def given_to_own() -> None:
        view = (await intake.get(f"/v1/orders/{order_id}", headers=headers("ops"))).json()
        assert view["handling_department"] == OWN, view

    await eventually(given_to_own)
    return order_id


def run_order(routes: list[Route]) -> list[Route]:
    return sorted(routes, key=lambda r: (r.is_write, LAST.index(r.key) if r.key in LAST else -1))


async def test_no_role_succeeds_where_the_access_rules_do_not_let_it(
    environment: Environment,
) -> None:
    clock = RunningClock(ORDER_DAY_0930)
    services = ("intake", "router", "sla", "scoring", "notify", "outreach")
    clocks = dict.fromkeys(services, clock)
    async with run_system(environment, clocks=clocks, only=services) as system:  # type: ignore[arg-type]
        assert system.notify is not None and system.outreach is not None
        clients = {
            "intake": system.intake,
            "router": system.router,
            "sla": system.sla,
            "scoring": system.scoring,
            "notify": system.notify,
            "outreach": system.outreach,
        }
        order_id = await dispatched_order(system.intake)
        care = await system.intake.post(
            "/v1/care-register",
            json={"name": "李奶奶", "phone": "13806350301", "reason": "独居老人"},
            headers=headers(f"department:{OWN}"),
        )
        entry = await system.scoring.post(
            f"/v1/workers/{OWN_WORKER}/entries",
            json={"rule": "PENNANT", "reason": "获赠锦旗"},
            headers=headers(f"head:{OWN}"),
        )
        notice = await system.outreach.post(
            "/v1/campaigns",
            json=sample_bodies()["outreach POST /v1/campaigns"],
            headers=headers("operator"),
        )
        assert care.status_code == 201 and entry.status_code == 201, (care.text, entry.text)
        assert notice.status_code == 201, notice.text
        shared = {"order_id": order_id, "month": MONTH, "quarter": "2026-Q4", "year": "2026"}
        values = {
            "intake": {**shared, "incident_id": "INC-NONE", "entry_id": str(care.json()["id"])},
            "router": {
                **shared,
                "person_id": OWN_WORKER,
                "unit": OWN_TEAM,
                "primary_order_id": order_id,
            },
            "sla": shared,
            "scoring": {
                **shared,
                "worker_id": OWN_WORKER,
                "entry_id": entry.json()["entry_id"],
                "candidate_id": "CAND-NONE",
            },
            "notify": {**shared, "token": "not-a-signed-link"},
            "outreach": {
                **shared,
                "campaign_id": notice.json()["campaign_id"],
                "task_id": notice.json()["tasks"][0]["task_id"],
            },
        }
        routes = routes_of(system.apps)
        assert {r.key for r in routes} == set(ALLOWED), "a route without access rules, or gone"
        bodies = sample_bodies()
        query = {"month": MONTH, "department": OWN}
        unexpected: list[str] = []
        for route in run_order(routes):
            client, path_values = clients[route.service], values[route.service]
            if route.key in PUBLIC:
                got = await call(client, route, path_values, bodies, None, query)
                if got.status_code in (401, 403) or got.status_code >= 500:
                    unexpected.append(f"{route.key} public → {got.status_code} {got.text[:120]}")
                continue
            forged = await client.request(
                route.method,
                route.path.replace("{", "").replace("}", ""),
                headers={"Authorization": "Bearer not.a.token"},
            )
            if forged.status_code != 401:
                unexpected.append(f"{route.key} forged token → {forged.status_code}")
            allowed = ALLOWED[route.key]
            refused_first = [None, *(r for r in ROLES if r not in allowed)]
            for role in refused_first:
                got = await call(client, route, path_values, bodies, role, query)
                if got.status_code not in (401, 403, 404) or (
                    role is None and got.status_code != 401
                ):
                    unexpected.append(f"{route.key} as {role} → {got.status_code} {got.text[:120]}")
            for role in (r for r in ROLES if r in allowed):
                got = await call(client, route, path_values, bodies, role, query)
                if got.status_code in (401, 403) or got.status_code >= 500:
                    unexpected.append(
                        f"{route.key} as {role} refused → {got.status_code} {got.text[:120]}"
                    )
        assert unexpected == [], "\n".join(unexpected)


async def test_a_head_cannot_put_another_departments_staff_on_their_duty_rotation(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("router",)) as system:
        other_staff = ["P-0110", *OWN_TEAM_PEOPLE]
        refused = await system.router.put(
            f"/v1/roster/rotations/{OWN_TEAM}",
            json={"people": other_staff},
            headers=headers(f"head:{OWN}"),
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["field"] == "people" and "P-0110" in refused.json()["detail"]
        swap = await system.router.put(
            f"/v1/roster/swaps/{OWN_TEAM}",
            json={"swaps": [{"date": "2026-12-05", "person": "P-0110"}]},
            headers=headers(f"head:{OWN}"),
        )
        assert swap.status_code == 403, swap.text
        roster = await system.router.get("/v1/roster", headers=headers(f"head:{OWN}"))
        unit = next(u for u in roster.json()["units"] if u["unit"] == OWN_TEAM)
        assert "P-0110" not in unit["rotation"]
        own = await system.router.put(
            f"/v1/roster/rotations/{OWN_TEAM}",
            json={"people": list(reversed(OWN_TEAM_PEOPLE))},
            headers=headers(f"head:{OWN}"),
        )
        assert own.status_code == 200, own.text
