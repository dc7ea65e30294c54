"""A planned outage opened by a head: calls from inside its window and area link to it at once
(and ride on its assignment in the router); calls from elsewhere or later are orders of their
own; only heads and ops may open one, and a bad window is refused with the field."""

from datetime import datetime
from typing import Any

import pytest

from shared.clock import LOCAL_TZ, ManualClock
from tests.integration.test_intake_sources import OPERATOR, example
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 8, 30, tzinfo=LOCAL_TZ)
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")


def outage_call(ticket: str, at: str, community: str) -> dict[str, Any]:
    return {
        **{k: v for k, v in example("96568_call.json").items() if k != "account_no"},
        "ticket_id": ticket,
        "received_at": at,
        "customer": {"name": "住户", "phone": f"1390635{abs(hash(ticket)) % 10000:04d}"},
        "address": {"district": "东昌府区", "community": community, "building": "2"},
        "type": "停水",
        "description": "家里没水了",
        "appointment": None,
    }


async def test_calls_inside_a_planned_outage_link_to_it_at_once(environment: Environment) -> None:
    clock = ManualClock(NOW)
    clocks = {"intake": clock, "router": clock}
    async with run_system(environment, clocks=clocks, only=("intake", "router")) as system:  # type: ignore[arg-type]
        window = {
            "communities": ["水城花园小区", "东昌首府"],
            "starts_at": "2026-11-27T09:00:00+08:00",
            "ends_at": "2026-11-27T15:00:00+08:00",
            "reason": "DN300主管更换",
        }
        refused = await system.intake.post("/v1/planned-outages", json=window, headers=OPERATOR)
        assert refused.status_code == 403
        backwards = {**window, "ends_at": "2026-11-27T08:00:00+08:00"}
        bad = await system.intake.post("/v1/planned-outages", json=backwards, headers=UM_HEAD)
        assert (bad.status_code, bad.json()["field"]) == (422, "ends_at")
        unknown = {**window, "communities": ["不存在小区"]}
        bad = await system.intake.post("/v1/planned-outages", json=unknown, headers=UM_HEAD)
        assert (bad.status_code, bad.json()["field"]) == (422, "communities")

        opened = await system.intake.post("/v1/planned-outages", json=window, headers=UM_HEAD)
        assert opened.status_code == 201, opened.text
        outage = opened.json()
        assert outage["communities"] == ["水城花园", "东昌首府"]

        inside = await post(
            system, outage_call("96568-PO-1", "2026-11-27T10:00:00+08:00", "水城花园")
        )
        other = await post(
            system, outage_call("96568-PO-2", "2026-11-27T10:05:00+08:00", "东昌首府")
        )
        later = await post(
            system, outage_call("96568-PO-3", "2026-11-27T16:00:00+08:00", "水城花园")
        )
        away = await post(
            system, outage_call("96568-PO-4", "2026-11-27T10:00:00+08:00", "古楼社区")
        )
        assert inside["incident_id"] == other["incident_id"] == outage["incident_id"]
        assert later["incident_id"] is None and away["incident_id"] is None

        async def attached() -> None:
            events = await read_json(environment.bootstrap, environment.topics.orders)
            linked = {e["order_id"] for e in events if e["type"] == "OrderLinked"}
            dispatched = {e["order_id"] for e in events if e["type"] == "OrderDispatched"}
            assert linked == {inside["order_id"], other["order_id"]}
            assert dispatched == {outage["primary_order_id"], later["order_id"], away["order_id"]}
            majors = [
                e for e in events if e["type"] == "MajorEventRaised" and e["producer"] == "intake"
            ]
            assert majors == []  # a planned outage is no surprise

        await eventually(attached)
        listed = (await system.intake.get("/v1/planned-outages", headers=OPERATOR)).json()
        assert [o["outage_id"] for o in listed] == [outage["outage_id"]]


async def post(system: Any, body: dict[str, Any]) -> dict[str, Any]:
    reply = await system.intake.post("/v1/orders/96568", json=body, headers=OPERATOR)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())
