"""The router's HTTP endpoints over a real (SQLite) database, without a broker: error shapes,
department boundaries, and roster changes on the record."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.router.app import create_app
from services.router.config import RouterSettings, load_deps
from services.router.handlers import EVENTS
from services.router.store import Base
from shared.auth import issue_token
from shared.clock import ManualClock
from shared.contracts import Address, OrderReceived, OrderReceivedPayload
from shared.runtime import ServiceRuntime
from shared.settings import DEV_TOKEN_SECRET

BJ = ZoneInfo("Asia/Shanghai")
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=BJ)
WEDNESDAY_22 = datetime(2026, 12, 2, 22, 0, tzinfo=BJ)


def auth(role: str, subject: str) -> dict[str, str]:
    jwt = issue_token(DEV_TOKEN_SECRET, role, subject, datetime.now(BJ), timedelta(hours=1))
    return {"Authorization": f"Bearer {jwt}"}


UM = auth("department:USER_MAINTENANCE", "W-0301")
MR = auth("department:METER_READING", "W-0101")
UM_HEAD = auth("head:USER_MAINTENANCE", "P-0200")
MR_HEAD = auth("head:METER_READING", "P-0100")


class Router:
    def __init__(self, client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
        self.client = client
        self.runtime = runtime

    async def receive(self, order_id: str, **changes: Any) -> None:
        payload = OrderReceivedPayload(
            source="12345",
            source_ref=f"LC-{order_id}",
            category="LEAK",
            category_label="漏水",
            address=Address(text="水城花园3号楼", community="水城花园"),
            received_at=WEDNESDAY_10,
        ).model_copy(update=changes)
        event = OrderReceived(
            order_id=order_id, occurred_at=WEDNESDAY_10, producer="intake", payload=payload
        )
        deps = load_deps(RouterSettings())
        await self.runtime.units.run(EVENTS[OrderReceived], event, deps)


@pytest.fixture
async def router(tmp_path: Path) -> AsyncIterator[Router]:
    settings = RouterSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'router.db'}")
    clock = ManualClock(WEDNESDAY_10)
    app = create_app(settings, clock)  # the production wiring, without its lifespan (broker)
    runtime: ServiceRuntime = app.state.runtime
    await runtime.db.start()
    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        yield Router(client, runtime)
    await runtime.db.stop()


async def test_another_department_gets_403_and_the_order_is_unchanged(router: Router) -> None:
    await router.receive("GL-1")
    before = (await router.client.get("/v1/orders/GL-1", headers=UM)).json()
    for action, body in [
        ("acknowledge", None),
        ("return", {"reason": "不是我们的"}),
        ("resolve", {"handling_notes": "x", "public_reply": "y"}),
    ]:
        reply = await router.client.post(f"/v1/orders/GL-1/{action}", json=body, headers=MR)
        assert reply.status_code == 403, (action, reply.text)
        assert reply.json()["error"] == "forbidden"
    assert (await router.client.get("/v1/orders/GL-1", headers=MR)).status_code == 403
    assert (await router.client.get("/v1/orders/GL-1", headers=UM)).json() == before
    inbox = (await router.client.get("/v1/inbox", headers=MR)).json()
    assert inbox["items"] == []


async def test_invalid_moves_answer_409_and_change_nothing(router: Router) -> None:
    await router.receive("GL-1")
    reply = await router.client.post(
        "/v1/orders/GL-1/resolve", json={"handling_notes": "x", "public_reply": "y"}, headers=UM
    )
    assert (reply.status_code, reply.json()["error"]) == (409, "invalid_state")
    assert (await router.client.get("/v1/orders/GL-1", headers=UM)).json()["state"] == "dispatched"


async def test_a_return_without_reason_is_refused_naming_the_field(router: Router) -> None:
    await router.receive("GL-1")
    reply = await router.client.post("/v1/orders/GL-1/return", json={"reason": ""}, headers=UM)
    assert (reply.status_code, reply.json()["field"]) == (422, "reason")


async def test_an_unknown_order_is_404(router: Router) -> None:
    reply = await router.client.post("/v1/orders/GL-404/acknowledge", headers=UM)
    assert reply.status_code == 404


async def test_the_inbox_pages_and_filters_by_state_with_time_left(router: Router) -> None:
    for n in range(3):
        await router.receive(f"GL-{n}")
    await router.client.post("/v1/orders/GL-0/acknowledge", headers=UM)
    page = (await router.client.get("/v1/inbox?state=dispatched&limit=1", headers=UM)).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    assert page["items"][0]["seconds_to_ack"] == 30 * 60
    signed = (await router.client.get("/v1/inbox?state=acknowledged", headers=UM)).json()
    assert [i["order_id"] for i in signed["items"]] == ["GL-0"]
    assert (await router.client.get("/v1/inbox?state=nonsense", headers=UM)).status_code == 422


async def test_the_head_changes_a_rotation_and_the_change_is_on_the_record(router: Router) -> None:
    roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
    team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
    assert team["rotation"] == ["P-0210", "P-0211", "P-0212"]
    assert team["on_duty_now"] == "P-0212"  # 2026-12-02 is day 335 of the rotation: 335 % 3 = 2

    # Saved without 立即生效, the new list waits for the next 08:00 handover.
    later = await router.client.put(
        "/v1/roster/rotations/UM-T1", json={"people": ["P-0211", "P-0210"]}, headers=UM_HEAD
    )
    assert later.status_code == 200, later.text
    roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
    team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
    assert (team["on_duty_now"], team["rotation_from"]) == ("P-0212", "2026-12-03")
    assert team["rotation_now"] == ["P-0210", "P-0211", "P-0212"]
    preview = await router.client.get(
        "/v1/roster/rotations/UM-T1/preview",
        params={"people": ["P-0211", "P-0210"]},
        headers=UM_HEAD,
    )
    assert preview.json() == {
        "unit": "UM-T1",
        "on_duty_now": "P-0212",
        "on_duty_if_immediate": "P-0210",
        "next_handover": "2026-12-03T08:00:00+08:00",
    }, preview.text

    put = await router.client.put(
        "/v1/roster/rotations/UM-T1",
        json={"people": ["P-0211", "P-0210"], "note": "何勇调岗", "immediate": True},
        headers=UM_HEAD,
    )
    assert put.status_code == 200, put.text
    refused = await router.client.put(
        "/v1/roster/rotations/UM-T1", json={"people": ["P-0110"]}, headers=MR_HEAD
    )
    assert refused.status_code == 403
    not_a_head = await router.client.put(
        "/v1/roster/rotations/UM-T1", json={"people": ["P-0210"]}, headers=UM
    )
    assert not_a_head.status_code == 403

    roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
    team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
    assert (team["rotation"], team["on_duty_now"]) == (
        ["P-0211", "P-0210"],
        "P-0210",
    )  # 335 % 2 = 1: the second in the new list
    audit = (await router.client.get("/v1/roster/audit", headers=UM_HEAD)).json()
    newest = audit[0]
    assert (
        newest["kind"],
        newest["subject"],
        newest["who"],
        newest["before"],
        newest["after"],
        newest["note"],
    ) == (
        "rotation",
        "UM-T1",
        "P-0200",
        [
            {"from": None, "people": ["P-0210", "P-0211", "P-0212"]},
            {"from": "2026-12-03", "people": ["P-0211", "P-0210"]},
        ],
        [{"from": None, "people": ["P-0211", "P-0210"]}],
        "何勇调岗",
    )
    assert [a["before"] for a in audit][1] == ["P-0210", "P-0211", "P-0212"]

    # The night's order goes to the new rotation's person.
    router.runtime.clock.set(WEDNESDAY_22)  # type: ignore[attr-defined]
    await router.receive("GL-NIGHT")
    order = (await router.client.get("/v1/orders/GL-NIGHT", headers=UM)).json()
    assert (order["assignee_id"], order["chain_position"]) == ("P-0210", "TEAM_DUTY")


async def test_an_override_and_a_swap_are_validated_and_shown(router: Router) -> None:
    bad = await router.client.put(
        "/v1/roster/overrides/W-0301",
        json={
            "overrides": [
                {
                    "from": "2026-12-02T12:00:00+08:00",
                    "to": "2026-12-02T09:00:00+08:00",
                    "available": False,
                }
            ]
        },
        headers=UM_HEAD,
    )
    assert bad.status_code == 422
    training = {
        "overrides": [
            {
                "from": "2026-12-02T09:00:00+08:00",
                "to": "2026-12-02T12:00:00+08:00",
                "available": False,
                "reason": "培训",
            }
        ]
    }
    # Over before the next 08:00 handover: only 立即生效 can put it in force.
    later = await router.client.put("/v1/roster/overrides/W-0301", json=training, headers=UM_HEAD)
    assert (later.status_code, later.json()["field"]) == (422, "immediate"), later.text
    ok = await router.client.put(
        "/v1/roster/overrides/W-0301", json={**training, "immediate": True}, headers=UM_HEAD
    )
    assert ok.status_code == 200, ok.text
    # The duty day under way changes hands only by 立即生效.
    tonight = {"swaps": [{"date": "2026-12-02", "person": "P-0210"}]}
    later = await router.client.put("/v1/roster/swaps/UM-T1", json=tonight, headers=UM_HEAD)
    assert (later.status_code, later.json()["field"]) == (422, "immediate"), later.text
    assert "立即生效" in later.text, later.text
    swap = await router.client.put(
        "/v1/roster/swaps/UM-T1", json={**tonight, "immediate": True}, headers=UM_HEAD
    )
    assert swap.status_code == 200, swap.text
    roster = (await router.client.get("/v1/roster?department=USER_MAINTENANCE", headers=UM)).json()
    w0301 = next(p for p in roster["people"] if p["id"] == "W-0301")
    assert (w0301["available"], w0301["why_not"]) == (
        False,
        "W-0301 unavailable until 12-02 12:00：培训",
    )
    team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
    assert team["on_duty_now"] == "P-0210"
    unknown = await router.client.put(
        "/v1/leave/W-9999",
        json={"leave": [{"from": "2026-12-01", "to": "2026-12-02"}]},
        headers=UM_HEAD,
    )
    assert unknown.status_code == 404


async def test_leave_that_changes_today_needs_immediate_as_a_swap_of_tonight_does(
    router: Router,
) -> None:
    """Leave is kept by the day: new leave covering today (Wednesday 12-02) takes the person
    away at once, so only with 立即生效; other days, and leave taken back, as before."""
    put = router.client.put
    today = {"leave": [{"from": "2026-12-01", "to": "2026-12-03", "reason": "年假"}]}
    refused = await put("/v1/leave/W-0301", json=today, headers=UM_HEAD)
    assert (refused.status_code, refused.json()["field"]) == (422, "immediate"), refused.text
    assert "立即生效" in refused.text and "12-02" in refused.text, refused.text
    roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
    assert roster["leave"] == []  # nothing changed

    later = {"leave": [{"from": "2026-12-07", "to": "2026-12-08"}]}
    assert (await put("/v1/leave/W-0301", json=later, headers=UM_HEAD)).status_code == 200
    now = await put("/v1/leave/W-0301", json={**today, "immediate": True}, headers=UM_HEAD)
    assert now.status_code == 200, now.text
    # Today's leave shortened, still covering today: today does not change.
    shorter = {"leave": [{"from": "2026-12-01", "to": "2026-12-02", "reason": "年假"}]}
    assert (await put("/v1/leave/W-0301", json=shorter, headers=UM_HEAD)).status_code == 200
    # Leave today for a person on leave today already, now with a stand-in: 立即生效 too.
    stand_in = {"leave": [{**shorter["leave"][0], "stand_in": "W-0302"}]}
    changed = await put("/v1/leave/W-0301", json=stand_in, headers=UM_HEAD)
    assert (changed.status_code, changed.json()["field"]) == (422, "immediate"), changed.text
    # Taken back (the console's 撤销): reachable again at once, as without the leave.
    back = await put("/v1/leave/W-0301", json={"leave": []}, headers=UM_HEAD)
    assert back.status_code == 200, back.text


async def test_heads_find_orders_waiting_for_an_extension_decision(router: Router) -> None:
    for n in range(2):
        await router.receive(f"GL-{n}")
        await router.client.post(f"/v1/orders/GL-{n}/acknowledge", headers=UM)
    asked = await router.client.post(
        "/v1/orders/GL-1/extension", json={"extra_working_days": 2, "reason": "等配件"}, headers=UM
    )
    assert asked.status_code == 200, asked.text
    waiting = (await router.client.get("/v1/inbox?extension_pending=true", headers=UM_HEAD)).json()
    assert [i["order_id"] for i in waiting["items"]] == ["GL-1"]
    decided = await router.client.post(
        "/v1/orders/GL-1/extension/decision", json={"approve": True}, headers=UM_HEAD
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["order"]["extension_days"] == 2
    waiting = (await router.client.get("/v1/inbox?extension_pending=true", headers=UM_HEAD)).json()
    assert waiting["items"] == []
    mine = (await router.client.get("/v1/inbox?assignee=W-0301&limit=10", headers=UM)).json()
    assert mine["total"] == 2


@pytest.mark.parametrize("at", ["2026-12-02T22:00:00+08:00", "2026-12-03T03:00:00+08:00"])
async def test_the_roster_view_at_night_shows_the_person_on_duty_as_available(
    router: Router, at: str
) -> None:
    """At 22:00 and at 03:00 (the same duty day, handover at 08:00) the team's person on duty
    is reachable, as routing picks them; the rest of the rotation and the grid workers are off."""
    roster = (
        await router.client.get(
            "/v1/roster", params={"at": at, "department": "USER_MAINTENANCE"}, headers=UM
        )
    ).json()
    assert roster["duty_date"] == "2026-12-02"
    team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
    people = {p["id"]: p for p in roster["people"]}
    on_duty = people[team["on_duty_now"]]
    assert (on_duty["available"], on_duty["why_not"]) == (True, None)
    assert "UM-T1" in on_duty["on_duty_for"]
    for other in set(team["rotation"]) - {on_duty["id"]}:
        assert not people[other]["available"]
        assert people[other]["why_not"].startswith(f"{other} off shift")
    assert not people["W-0301"]["available"]


async def test_a_swap_an_override_and_leave_are_removed_and_the_removal_is_on_the_record(
    router: Router,
) -> None:
    override = {
        "from": "2026-12-02T09:00:00+08:00",
        "to": "2026-12-03T12:00:00+08:00",
        "available": False,
        "reason": "培训",
    }
    put = router.client.put
    await put(
        "/v1/roster/overrides/W-0301",
        json={"overrides": [override], "immediate": True},
        headers=UM_HEAD,
    )
    await put(
        "/v1/roster/swaps/UM-T1",
        json={"swaps": [{"date": "2026-12-02", "person": "P-0210"}], "immediate": True},
        headers=UM_HEAD,
    )
    leave = [{"from": "2026-12-07", "to": "2026-12-08"}, {"from": "2026-12-10", "to": "2026-12-10"}]
    assert (await put("/v1/leave/W-0302", json={"leave": leave}, headers=UM_HEAD)).is_success

    async def state() -> tuple[Any, str, list[Any]]:
        roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
        w0301 = next(p for p in roster["people"] if p["id"] == "W-0301")
        team = next(u for u in roster["units"] if u["unit"] == "UM-T1")
        return w0301["available"], team["on_duty_now"], roster["leave"]

    # Removed without 立即生效: what is in force today stays until the 08:00 handover.
    gone = await put("/v1/roster/overrides/W-0301", json={"overrides": []}, headers=UM_HEAD)
    assert gone.json() == [{**override, "person": "W-0301", "to": "2026-12-03T08:00:00+08:00"}]
    swaps = await put("/v1/roster/swaps/UM-T1", json={"swaps": []}, headers=UM_HEAD)
    assert [s["person"] for s in swaps.json()] == ["P-0210"]
    assert (await state())[:2] == (False, "P-0210")

    # 立即生效: removed now; leave is removed item by item (the rest stands).
    body = {"overrides": [], "immediate": True, "note": "培训取消"}
    assert (await put("/v1/roster/overrides/W-0301", json=body, headers=UM_HEAD)).json() == []
    body = {"swaps": [], "immediate": True}
    assert (await put("/v1/roster/swaps/UM-T1", json=body, headers=UM_HEAD)).json() == []
    kept = await put("/v1/leave/W-0302", json={"leave": leave[1:]}, headers=UM_HEAD)
    assert kept.is_success, kept.text
    available, on_duty, on_leave = await state()
    assert (available, on_duty) == (True, "P-0212")
    assert [(lv["person"], lv["from"]) for lv in on_leave] == [("W-0302", "2026-12-10")]

    audit = (await router.client.get("/v1/roster/audit", headers=UM_HEAD)).json()
    assert [(a["kind"], a["subject"], a["after"]) for a in audit[:3]] == [
        ("leave", "W-0302", [{**leave[1], "person": "W-0302", "reason": "", "stand_in": None}]),
        ("swaps", "UM-T1", []),
        ("overrides", "W-0301", []),
    ]
    assert audit[2]["note"] == "培训取消"


async def test_a_change_previewed_names_who_is_on_duty_and_who_an_escalation_would_wake(
    router: Router,
) -> None:
    """Before 立即生效 the head sees, per duty unit, whom the next escalation wakes now and
    after; the preview changes nothing."""

    async def unit(found: Any, code: str) -> dict[str, Any]:
        assert found.status_code == 200, found.text
        return next(u for u in found.json()["units"] if u["unit"] == code)

    preview = router.client.post
    body = {
        "kind": "swaps",
        "subject": "UM-T1",
        "swaps": [{"date": "2026-12-02", "person": "W-0302"}],
    }
    team = await unit(await preview("/v1/roster/preview", json=body, headers=UM_HEAD), "UM-T1")
    assert (team["on_duty_now"], team["woken_now"]) == ("P-0212", "P-0212"), team
    assert (team["on_duty_if_immediate"], team["woken_if_immediate"]) == ("W-0302", "W-0302")
    assert team["name"] != "UM-T1"

    # The duty person away at once: the next escalation skips to the department's duty.
    away = {
        "from": "2026-12-02T09:00:00+08:00",
        "to": "2026-12-03T09:00:00+08:00",
        "available": False,
    }
    body = {"kind": "overrides", "subject": "P-0212", "overrides": [away]}
    team = await unit(await preview("/v1/roster/preview", json=body, headers=UM_HEAD), "UM-T1")
    assert team["on_duty_if_immediate"] == "P-0212"
    assert team["woken_if_immediate"] not in ("P-0212", "")
    body = {
        "kind": "leave",
        "subject": "P-0212",
        "leave": [{"from": "2026-12-02", "to": "2026-12-02"}],
    }
    left = await unit(await preview("/v1/roster/preview", json=body, headers=UM_HEAD), "UM-T1")
    assert left["woken_if_immediate"] == team["woken_if_immediate"]

    roster = (await router.client.get("/v1/roster", headers=UM_HEAD)).json()
    assert next(u for u in roster["units"] if u["unit"] == "UM-T1")["on_duty_now"] == "P-0212"
    assert roster["leave"] == [] and roster["overrides"] == []
    other = await preview("/v1/roster/preview", json=body, headers=MR_HEAD)
    assert other.status_code == 403
