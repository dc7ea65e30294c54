"""Notification discipline through the real broker and databases (issue 19): a 12345 order that
came in already late tells each person once instead of a burst of red cards; a planned outage
whose text says 主管道 raises no major event; an order the router splits off an incident — a
registered vulnerable household's, a caller's after the incident was resolved — reaches its
assignee even though that person was told of the incident."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.notify.handlers import EVENTS
from services.notify.store import DeliveryRow, InboxRow
from shared.clock import LOCAL_TZ, ManualClock, StartedClock
from shared.db import Database
from shared.unit_of_work import event_type_names
from tests.integration.test_intake_incidents import call
from tests.integration.test_intake_sources import OPERATOR, example
from tests.support.kafka import events_of, read_json
from tests.support.polling import eventually
from tests.support.system import Environment, System, run_system, token

pytestmark = pytest.mark.integration

# Friday 2026-11-27 09:21 Beijing: a working day's day shift (W-0301, A post of 水城花园, at work).
NOW = datetime(2026, 11, 27, 9, 21, tzinfo=LOCAL_TZ)
OPS = token("ops", "P-0410")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
W0301 = token("department:USER_MAINTENANCE", "W-0301")


def clocks(*names: str) -> dict[str, Any]:
    """One standing clock for the services that judge time; notify's runs on from it, so its
    delivery job (and a card's short hold) moves."""
    clock = ManualClock(NOW)
    return {**{name: clock for name in names}, "notify": StartedClock(NOW)}


def notify_db(system: System) -> Database:
    db: Database = system.apps["notify"].state.runtime.db
    return db


async def settled(env: Environment, system: System) -> None:
    """Notify has taken every event of a type it handles, and has nothing left to send."""
    handled = event_type_names(EVENTS)
    ids = {
        e.get("event_id")
        for e in await read_json(env.bootstrap, env.topics.orders)
        if e.get("type") in handled
    }
    async with notify_db(system).transaction() as session:
        claimed = await session.scalar(select(func.count()).select_from(InboxRow))
        waiting = await session.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .where(DeliveryRow.state.in_(("pending", "sending")))
        )
    assert (claimed, waiting) == (len(ids), 0), (claimed, len(ids), waiting)


async def notifications(notify: httpx.AsyncClient, order_id: str) -> list[dict[str, Any]]:
    shown = await notify.get(f"/v1/orders/{order_id}/notifications", headers=OPS)
    assert shown.status_code == 200, shown.text
    return list(shown.json())


async def test_a_12345_order_late_before_intake_tells_each_person_once_without_red_cards(
    environment: Environment, tmp_path: Path
) -> None:
    async with run_system(
        environment,
        clocks=clocks("intake", "router", "sla"),
        only=("intake", "router", "sla", "notify"),
        overrides={"intake": {"var_dir": tmp_path}},
    ) as system:
        assert system.notify is not None
        # Accepted by the platform three days ago; its 办理时限 ran out an hour before intake.
        body = {
            **example("12345_order.json"),
            "orderNo": "LC12345-LATE-001",
            "acceptTime": "2026-11-24 09:00:00",
            "deadline": "2026-11-27 08:21:00",
        }
        reply = await system.intake.post("/v1/orders/12345", json=body, headers=OPERATOR)
        assert reply.status_code == 201, reply.text
        order_id = reply.json()["order_id"]

        async def every_lapsed_clock_fired() -> list[dict[str, Any]]:
            shown = await system.sla.get(f"/v1/sla/orders/{order_id}", headers=OPS)
            assert shown.status_code == 200, shown.text  # the SLA has not seen the order yet
            view = shown.json()
            lapsed = [d for d in view["deadlines"] if datetime.fromisoformat(d["due"]) < NOW]
            assert len([d for d in lapsed if d["purpose"] == "card"]) >= 3, view
            assert all(d["state"] != "open" for d in lapsed), lapsed
            breached = await events_of(
                environment.bootstrap, environment.topics.orders, order_id, "SlaBreached"
            )
            assert len(breached) >= 3
            return breached

        breached = await eventually(every_lapsed_clock_fired, within=60)
        await eventually(lambda: settled(environment, system), within=60)
        told = await notifications(system.notify, order_id)
        assert told, "nobody was told of the order"
        assert [d for d in told if d["notice"] == "red_card"] == [], told
        per_person: dict[str, set[str]] = {}
        for d in told:
            per_person.setdefault(d["person_id"], set()).add(d["notice"])
        # At most one message per person (one notice, on the rule's channels) — not a card for
        # each of the clocks that had run out before Gridline saw the order.
        assert all(len(notices) == 1 for notices in per_person.values()), per_person
        for d in told:
            same = [
                x for x in told if (x["person_id"], x["channel"]) == (d["person_id"], d["channel"])
            ]
            assert len(same) == 1, told
        (dispatch,) = await events_of(
            environment.bootstrap, environment.topics.orders, order_id, "OrderDispatched"
        )
        assignee = dispatch["payload"]["assignee_id"]
        assert per_person[assignee] == {"dispatched"}
        assert {"late_on_arrival"} in per_person.values()  # the team's duty person
        async with notify_db(system).transaction() as session:
            text = await session.scalar(
                select(DeliveryRow.text).where(
                    DeliveryRow.order_id == order_id, DeliveryRow.person_id == assignee
                )
            )
        assert text is not None and "转来时已超时" in text
        assert len(breached) >= 3  # the SLA still marks every lapsed clock red on the order


async def test_a_planned_outage_saying_main_pipe_raises_no_major_event(
    environment: Environment, tmp_path: Path
) -> None:
    async with run_system(
        environment,
        clocks=clocks("intake", "router"),
        only=("intake", "router", "notify"),
        overrides={"intake": {"var_dir": tmp_path}},
    ) as system:
        assert system.notify is not None
        window = {
            "communities": ["水城花园小区"],
            "starts_at": "2026-11-27T10:00:00+08:00",
            "ends_at": "2026-11-27T16:00:00+08:00",
            "reason": "更换DN300主管道阀门，大面积停水",
        }
        opened = await system.intake.post("/v1/planned-outages", json=window, headers=UM_HEAD)
        assert opened.status_code == 201, opened.text
        primary = opened.json()["primary_order_id"]

        async def dispatched() -> None:
            found = await events_of(
                environment.bootstrap, environment.topics.orders, primary, "OrderDispatched"
            )
            assert len(found) == 1

        await eventually(dispatched)
        await eventually(lambda: settled(environment, system))
        majors = await events_of(
            environment.bootstrap, environment.topics.orders, primary, "MajorEventRaised"
        )
        assert majors == []
        told = await notifications(system.notify, primary)
        assert {d["notice"] for d in told} == {"dispatched"}
        assert "P-0200" not in {d["person_id"] for d in told}  # the head is not woken


def care_call() -> dict[str, Any]:
    """A registered household in the burst's community, ringing 96568 about it."""
    return {
        **{k: v for k, v in example("96568_call.json").items() if k != "account_no"},
        "ticket_id": "96568-CARE-1",
        "received_at": "2026-11-27T09:01:00+08:00",
        "customer": {"name": "刘奶奶", "phone": "13906359999"},
        "type": "停水",
        "description": "家里没水了，老人独居",
        "appointment": None,
    }


async def split_off(env: Environment, order_id: str, rule: str) -> dict[str, Any]:
    async def split_and_dispatched() -> dict[str, Any]:
        splits = await events_of(env.bootstrap, env.topics.orders, order_id, "OrderSplit")
        assert [s["payload"]["rule"] for s in splits] == [rule]
        (dispatch,) = await events_of(env.bootstrap, env.topics.orders, order_id, "OrderDispatched")
        return dict(dispatch["payload"])

    return await eventually(split_and_dispatched, within=60)


async def test_split_off_orders_reach_their_assignee_already_told_of_the_incident(
    environment: Environment, tmp_path: Path
) -> None:
    async with run_system(
        environment,
        clocks=clocks("intake", "router"),
        only=("intake", "router", "notify"),
        overrides={"intake": {"var_dir": tmp_path}},
    ) as system:
        notify = system.notify
        assert notify is not None
        registered = await system.intake.post(
            "/v1/care-register",
            json={"name": "刘奶奶", "phone": "13906359999", "reason": "独居老人"},
            headers=token("department:USER_MAINTENANCE", "W-0301"),
        )
        assert registered.status_code == 201, registered.text
        orders = []
        for i in (0, 1):  # two calls about one burst: one incident
            path, body = call(i)
            reply = await system.intake.post(path, json=body, headers=OPERATOR)
            assert reply.status_code == 201, reply.text
            orders.append(reply.json())
        primary = orders[0]["order_id"]
        care = await system.intake.post("/v1/orders/96568", json=care_call(), headers=OPERATOR)
        assert care.status_code == 201, care.text
        vulnerable = care.json()["order_id"]
        assert care.json()["incident_id"] == orders[1]["incident_id"] is not None

        first = await split_off(environment, vulnerable, "vulnerable")
        (incident_dispatch,) = await events_of(
            environment.bootstrap, environment.topics.orders, primary, "OrderDispatched"
        )
        # The same person holds the incident and the household: told of both, each once.
        assert first["assignee_id"] == incident_dispatch["payload"]["assignee_id"] == "W-0301"

        async def household_told() -> None:
            told = await notifications(notify, vulnerable)  # urgent: WeCom and SMS
            assert {(d["notice"], d["person_id"], d["state"]) for d in told} == {
                ("dispatched", "W-0301", "sent")
            }, told
            to_incident = await notifications(notify, primary)
            assert ("dispatched", "W-0301") in {(d["notice"], d["person_id"]) for d in to_incident}

        await eventually(household_told)

        # The incident resolved, a caller rings again: split off, dispatched, and told.
        signed = await system.router.post(f"/v1/orders/{primary}/acknowledge", headers=W0301)
        assert signed.status_code == 200, signed.text
        done = await system.router.post(
            f"/v1/orders/{primary}/resolve",
            json={
                "handling_notes": "抢修更换阀门",
                "public_reply": "水城花园爆管已修复，供水已恢复",
                "contacted_at": (NOW + timedelta(minutes=1)).isoformat(),
            },
            headers=W0301,
        )
        assert done.status_code == 200, done.text

        async def primary_resolved() -> None:
            found = await events_of(
                environment.bootstrap, environment.topics.orders, primary, "OrderResolved"
            )
            assert len(found) == 1

        await eventually(primary_resolved)
        path, body = call(3)
        again = await system.intake.post(path, json=body, headers=OPERATOR)
        assert again.status_code == 201, again.text
        caller = again.json()["order_id"]
        assert again.json()["incident_id"] == orders[1]["incident_id"]
        second = await split_off(environment, caller, "incident_closed")

        async def caller_told() -> None:
            told = await notifications(notify, caller)
            assert {(d["notice"], d["person_id"], d["state"]) for d in told} == {
                ("dispatched", second["assignee_id"], "sent")
            }, told

        await eventually(caller_told)
