"""A storm: sixty calls about one burst main over 12345, 96568 and grid reports, through the four
services on the real broker. One incident is one piece of work: one dispatch, one set of clocks,
one notice to the head, every caller answered once and every order closed. A vulnerable caller
is split off and dispatched on their own."""

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from shared.clock import LOCAL_TZ, ManualClock
from tests.integration.test_intake_incidents import call
from tests.integration.test_intake_sources import GRID_WORKER, OPERATOR, example
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

# Hundreds of orders at once: one storm at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("storms")]

# Friday 2026-11-27: the calls come in from 09:00 to 09:19:40 (the sources' own times); the
# whole system's clock stands at 09:21 until the test moves it.
NOW = datetime(2026, 11, 27, 9, 21, tzinfo=LOCAL_TZ)
UM = token("department:USER_MAINTENANCE", "W-0302")
UM_HEAD = "P-0200"
VULNERABLE_PHONE = "13906359999"


def vulnerable_call() -> dict[str, Any]:
    """A 96568 call from a registered household in the same community, about the same burst."""
    return {
        **{k: v for k, v in example("96568_call.json").items() if k != "account_no"},
        "ticket_id": "96568-BURST-CARE",
        "received_at": "2026-11-27T09:10:10+08:00",
        "customer": {"name": "刘奶奶", "phone": VULNERABLE_PHONE},
        "type": "停水",
        "description": "水管爆了，家里没水，老人独居",
        "appointment": None,
    }


async def storm(system: System) -> tuple[list[str], str]:
    registered = await system.intake.post(
        "/v1/care-register",
        json={"name": "刘奶奶", "phone": VULNERABLE_PHONE, "reason": "独居老人"},
        headers=GRID_WORKER,
    )
    assert registered.status_code == 201, registered.text
    orders: list[str] = []
    vulnerable = ""
    for i in range(60):
        path, body = call(i)
        if i == 0:
            body = {**body, "content": "水管爆了，楼下马路上大量冒水"}
        elif i % 3 == 1 and i % 5 == 1:  # more callers say it: no further notice to the head
            body = {**body, "description": "水管爆了，突然停水"}
        headers = GRID_WORKER if path == "/v1/grid-reports" else OPERATOR
        reply = await system.intake.post(path, json=body, headers=headers)
        assert reply.status_code == 201, reply.text
        orders.append(reply.json()["order_id"])
        if i == 30:
            care = await system.intake.post(
                "/v1/orders/96568", json=vulnerable_call(), headers=OPERATOR
            )
            assert care.status_code == 201, care.text
            vulnerable = care.json()["order_id"]
    return orders, vulnerable


async def incident_page(system: System, incident_id: str) -> dict[str, Any]:
    page = await system.intake.get(f"/v1/incidents/{incident_id}/page", headers=OPERATOR)
    assert page.status_code == 200, page.text
    return dict(page.json())


async def linked_clocks(system: System, order_id: str) -> list[dict[str, Any]]:
    async def stored() -> list[dict[str, Any]]:
        view = await system.sla.get(f"/v1/sla/orders/{order_id}", headers=OPS)
        assert view.status_code == 200, view.text
        return list(view.json()["deadlines"])

    return await eventually(stored)


async def order_events(environment: Environment) -> list[dict[str, Any]]:
    return await read_json(environment.bootstrap, environment.topics.orders)


def of_type(events: list[dict[str, Any]], kind: str, orders: set[str]) -> list[dict[str, Any]]:
    return [e for e in events if e.get("type") == kind and e.get("order_id") in orders]


async def test_a_storm_of_sixty_calls_is_one_piece_of_work(
    environment: Environment, tmp_path: Path
) -> None:
    clock = ManualClock(NOW)
    clocks = {name: clock for name in ("intake", "router", "sla", "scoring")}
    overrides = {"intake": {"var_dir": tmp_path}}
    async with run_system(environment, clocks=clocks, overrides=overrides) as system:  # type: ignore[arg-type]
        orders, vulnerable = await storm(system)
        primary, incident = orders[0], set(orders)

        async def attached() -> list[dict[str, Any]]:
            events = await order_events(environment)
            assert len(of_type(events, "OrderLinked", incident)) == 59
            return events

        events = await eventually(attached, within=90)
        dispatched = of_type(events, "OrderDispatched", incident)
        assert [e["order_id"] for e in dispatched] == [primary]
        inbox = (await system.router.get("/v1/inbox", headers=UM)).json()
        # The incident is one item with its 60 callers; the split-off caller is one of their own.
        assert sorted((i["order_id"], i["callers"]) for i in inbox["items"]) == sorted(
            [(primary, 60), (vulnerable, 1)]
        )
        assert len({i["incident_id"] for i in inbox["items"]}) == 1

        async def incident_seen() -> dict[str, Any]:
            # Intake learns of the split and the clocks from the router's and the SLA's events:
            # its page catches up a moment after the router's inbox.
            page = await incident_page(system, inbox["items"][0]["incident_id"])
            assert [o["order_id"] for o in page["orders"] if o["split"]] == [vulnerable]
            assert ("acknowledge", primary) in {(c["kind"], c["order_id"]) for c in page["clocks"]}
            return page

        page = await eventually(incident_seen)
        # Intake's incident holds every call about the burst, the split-off one included.
        assert page["by_channel"] == {"12345": 20, "96568": 21, "grid_report": 20}
        assert len(page["owed_replies"]) == 41

        # A linked 12345 call keeps only its own reply clock, due at the platform's deadline.
        own = await linked_clocks(system, orders[3])
        assert [(d["kind"], d["state"]) for d in own] == [("reply", "open")]
        assert own[0]["platform_due"] is not None

        events = await order_events(environment)  # the split is on the log: intake has seen it
        split = of_type(events, "OrderSplit", {vulnerable})
        assert [s["payload"]["rule"] for s in split] == ["vulnerable"]
        assert len(of_type(events, "OrderDispatched", {vulnerable})) == 1

        async def head_told() -> None:
            everyone = incident | {vulnerable}
            majors = of_type(await order_events(environment), "MajorEventRaised", everyone)
            # Intake flags the incident once; the router had already told the head when the
            # first call saying 水管爆了 reached it (the primary's, or the split-off caller's when
            # that partition was read first), so it now tells only 调度中心.
            assert [e["producer"] for e in majors].count("intake") == 1
            assert any(e["causation_id"] for e in majors if e["producer"] == "router")
            to_head = [e for e in majors if UM_HEAD in e["payload"]["notify"]]
            assert len(to_head) == 1, [(e["order_id"], e["payload"]["notify"]) for e in majors]

        await eventually(head_told)
        await acknowledge_limit_passes(environment, system, clock, primary, incident)
        await resolve_the_incident(environment, system, primary, incident, vulnerable, tmp_path)


async def acknowledge_limit_passes(
    environment: Environment, system: System, clock: ManualClock, primary: str, incident: set[str]
) -> None:
    # The 12345 leak's sign-for limit is 30 min from 09:00 (yellow at 80 %); the router's own
    # acknowledgement clock for an urgent order is 10 min from the dispatch at 09:21.
    clock.set(datetime(2026, 11, 27, 9, 25, tzinfo=LOCAL_TZ))

    async def warned() -> None:
        events = await order_events(environment)
        assert [
            e["order_id"]
            for e in of_type(events, "SlaWarning", incident)
            if e["payload"]["deadline"] == "acknowledge"
        ] == [primary]

    await eventually(warned)
    clock.set(datetime(2026, 11, 27, 9, 32, tzinfo=LOCAL_TZ))

    async def carded() -> list[dict[str, Any]]:
        events = await order_events(environment)
        assert len(of_type(events, "AckOverdue", incident)) == 1
        assert len(of_type(events, "OrderDispatched", incident)) == 2
        cards = of_type(events, "SlaWarning", incident) + of_type(events, "SlaBreached", incident)
        kinds = Counter((e["type"], e["payload"]["deadline"]) for e in cards)
        assert kinds[("SlaWarning", "acknowledge")] == 1
        assert kinds[("SlaBreached", "acknowledge")] == 1
        return events

    events = await eventually(carded)
    cards = of_type(events, "SlaWarning", incident) + of_type(events, "SlaBreached", incident)
    assert {e["order_id"] for e in cards} == {primary}  # no card on any linked order
    escalated = of_type(events, "OrderDispatched", {primary})[-1]["payload"]
    assert (escalated["reason"], escalated["assignee_id"]) == ("ack_overdue", "W-0302")


async def resolve_the_incident(
    environment: Environment,
    system: System,
    primary: str,
    incident: set[str],
    vulnerable: str,
    var_dir: Path,
) -> None:
    signed = await system.router.post(f"/v1/orders/{primary}/acknowledge", headers=UM)
    assert signed.status_code == 200, signed.text
    body = {
        "handling_notes": "抢修更换DN300主管",
        "public_reply": "水城花园爆管已修复，供水已恢复",
        "contacted_at": datetime(2026, 11, 27, 9, 33, tzinfo=LOCAL_TZ).isoformat(),
    }
    done = await system.router.post(f"/v1/orders/{primary}/resolve", json=body, headers=UM)
    assert done.status_code == 200, done.text

    async def answered() -> list[dict[str, Any]]:
        events = await order_events(environment)
        assert len(of_type(events, "OrderResolved", incident)) == 60
        assert len(of_type(events, "ReplySent", incident)) == 40
        return events

    events = await eventually(answered, within=90)
    sent = Counter(e["order_id"] for e in of_type(events, "ReplySent", incident))
    assert set(sent.values()) == {1}
    platform = (var_dir / "replies" / "12345.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line) for line in platform]
    assert sorted(p["orderNo"] for p in lines) == [
        f"LC12345-BURST-{i:03d}" for i in range(0, 60, 3)
    ]
    assert {p["replyContent"] for p in lines} == {"水城花园爆管已修复，供水已恢复"}
    assert not of_type(events, "ReplySent", {vulnerable})  # answered when its own order is

    page = await incident_page(
        system, of_type(events, "OrderResolved", {primary})[0]["payload"]["incident_id"]
    )
    # Everyone answered but the split-off caller, whose own order is still being handled.
    assert [o["order_id"] for o in page["owed_replies"]] == [vulnerable]
    assert {(c["kind"], c["order_id"]) for c in page["clocks"]} == {("card", primary)}
    assert "OrderSplit" in {t["type"] for t in page["timeline"]}

    async def closed() -> None:
        for order_id in sorted(incident):
            view = (await system.sla.get(f"/v1/sla/orders/{order_id}", headers=OPS)).json()
            assert [d for d in view["deadlines"] if d["state"] == "open"] == [], view

    await eventually(closed)

    async def counted() -> None:
        counts = (await system.scoring.get("/v1/counts/2026-11", headers=OPS)).json()
        assert counts["workers"].get("W-0302", {}).get("orders_handled") == 1, counts

    await eventually(counted)
    for worker in ("W-0301", "W-0302"):
        ledger = (
            await system.scoring.get(f"/v1/workers/{worker}/ledger?month=2026-11", headers=OPS)
        ).json()
        assert "TASK_LATE" not in json.dumps(ledger, ensure_ascii=False)
    vulnerable_view = (await system.intake.get(f"/v1/orders/{vulnerable}", headers=OPERATOR)).json()
    assert vulnerable_view["state"] in ("dispatched", "acknowledged")


OPS = token("ops")
