"""What the console asks of the services, on the real broker and databases: the router's
routing preview (who gets an order right now and why) and intake's search and open orders at
the same address or phone."""

from datetime import datetime
from typing import Any

from shared.clock import LOCAL_TZ, ManualClock
from tests.support.system import Environment, run_system, token

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
