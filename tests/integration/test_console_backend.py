"""What the console asks of the services, on the real broker and databases: the router's
routing preview (who gets an order right now and why) and intake's search and open orders at
the same address or phone."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.clock import LOCAL_TZ, ManualClock
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

pytestmark = pytest.mark.integration

WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
SUNDAY_10 = datetime(2026, 12, 6, 10, 0, tzinfo=LOCAL_TZ)
OPERATOR = token("operator", "op-1")


async def test_the_preview_names_the_a_post_on_a_weekday_and_says_why_not_on_sunday(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with run_system(environment, clocks={"router": clock}, only=("router",)) as system:
        query = {"category": "LEAK", "community": "水城花园"}
        weekday = await system.router.get("/v1/routing/preview", params=query, headers=OPERATOR)
        assert weekday.status_code == 200, weekday.text
        body = weekday.json()
        assert (body["department_name"], body["grid"]) == ("用户维修处", "UM-DC-03")
        assert (body["assignee_id"], body["chain_position"], body["skipped"]) == ("W-0301", "A", [])

        clock.set(SUNDAY_10)
        sunday = (
            await system.router.get("/v1/routing/preview", params=query, headers=OPERATOR)
        ).json()
        assert sunday["chain_position"] == "TEAM_DUTY"
        assert [s["person_name"] for s in sunday["skipped"]] == ["褚建国", "卫东"]
        assert all("off shift" in s["reason"] for s in sunday["skipped"])

        meter = await system.router.get(
            "/v1/routing/preview", params={"category": "METER_RECHECK"}, headers=OPERATOR
        )
        assert meter.json()["department"] == "METER_READING"
        refused = await system.router.get("/v1/routing/preview", params=query)
        assert refused.status_code == 401


def _call(ticket: str, phone: str, building: str) -> dict[str, Any]:
    return {
        "ticket_id": ticket,
        "received_at": WEDNESDAY_10.isoformat(),
        "operator_id": "op-1",
        "customer": {"name": "李先生", "phone": phone},
        "address": {"community": "水城花园", "building": building},
        "type": "漏水",
        "description": "楼道漏水",
    }


async def test_search_finds_an_order_by_phone_address_number_and_id(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("intake",)) as system:
        created = await system.intake.post(
            "/v1/orders/96568", json=_call("T-1", "13912340002", "5"), headers=OPERATOR
        )
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def search(**params: str) -> list[dict[str, Any]]:
            found = await system.intake.get("/v1/search/orders", params=params, headers=OPERATOR)
            assert found.status_code == 200, found.text
            items: list[dict[str, Any]] = found.json()["items"]
            return items

        (by_phone,) = await search(phone="13912340002", open_only="true")
        assert by_phone["order_id"] == order_id and by_phone["matched_by"] == ["phone"]
        assert by_phone["caller_phone"] == "139****0002"  # the operator does not handle it
        (same_house,) = await search(community="水城花园小区", building="5", open_only="true")
        assert same_house["matched_by"] == ["address"]
        (next_door,) = await search(community="水城花园", building="6")
        assert next_door["matched_by"] == ["community"]
        assert [o["order_id"] for o in await search(q=order_id.lower())] == [order_id]
        assert [o["order_id"] for o in await search(q="T-1")] == [order_id]
        assert [o["order_id"] for o in await search(q="13912340002")] == [order_id]
        assert await search(phone="13900000000") == []
        # The console's inbox asks for the callers of the orders it lists, by id.
        assert [o["order_id"] for o in await search(ids=f"{order_id},GL-NONE")] == [order_id]


async def test_a_department_may_not_list_another_departments_orders(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("intake",)) as system:
        own = token("department:USER_MAINTENANCE", "W-0301")
        mine = await system.intake.get(
            "/v1/search/orders", params={"department": "USER_MAINTENANCE"}, headers=own
        )
        assert mine.status_code == 200
        other = await system.intake.get(
            "/v1/search/orders", params={"department": "METER_READING"}, headers=own
        )
        assert other.status_code == 403 and other.json()["field"] == "department"


async def test_the_inbox_deadline_is_the_one_the_sla_service_breaches_on(
    environment: Environment,
) -> None:
    """A leak is repaired within 24 h (SLA policy); the router's own rule would say 5 working
    days — over a weekend, 8 days. The inbox must show the SLA's."""
    from shared.contracts import Address, OrderReceived, OrderReceivedPayload
    from tests.support.kafka import produce

    friday_10 = datetime(2026, 12, 4, 10, 0, tzinfo=LOCAL_TZ)
    clock = ManualClock(friday_10)
    event = OrderReceived(
        order_id="GL-SAME-1",
        occurred_at=friday_10,
        producer="intake",
        payload=OrderReceivedPayload(
            source="96568",
            source_ref="ref-same-1",
            category="LEAK",
            category_label="漏水",
            address=Address(text="水城花园5号楼", community="水城花园"),
            received_at=friday_10,
        ),
    )
    async with run_system(
        environment, clocks={"router": clock, "sla": clock}, only=("router", "sla")
    ) as system:
        await produce(
            environment.bootstrap,
            environment.topics.orders,
            event.model_dump_json().encode(),
            key=event.order_id.encode(),
        )
        worker = token("department:USER_MAINTENANCE", "W-0301")

        async def agreed() -> str:
            clocks = await system.sla.get("/v1/sla/orders/GL-SAME-1", headers=worker)
            assert clocks.status_code == 200, clocks.text
            (resolve,) = [d for d in clocks.json()["deadlines"] if d["kind"] == "resolve"]
            inbox = (await system.router.get("/v1/inbox", headers=worker)).json()
            (item,) = [i for i in inbox["items"] if i["order_id"] == "GL-SAME-1"]
            assert item["deadline"] is not None
            assert datetime.fromisoformat(item["deadline"]) == datetime.fromisoformat(
                resolve["due"]
            )
            return str(item["deadline"])

        deadline = await eventually(agreed, within=30)
        assert datetime.fromisoformat(deadline) == friday_10 + timedelta(hours=24)
