"""Intake's order search as a hotline operator uses it, on both backends: any part of the address
as the console prints it, the phone's last four digits, words of the content (all of them), closed
orders too with their state, and typed wildcards taken literally."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from services.intake.store import OrderRow
from shared.paths import EXAMPLES_DIR
from tests.support.databases import DatabaseFactory
from tests.support.intake_alone import intake_alone
from tests.support.system import token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
ADDRESS = "聊城市东昌府区柳园街道水城花园3号楼1单元"


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with intake_alone(databases, tmp_path) as client:
        yield client


async def new_call(http: httpx.AsyncClient, ticket: str, **changes: Any) -> str:
    body = json.loads((EXAMPLES_DIR / "96568_call.json").read_text("utf-8"))
    body.update(ticket_id=ticket, **changes)
    answer = await http.post("/v1/orders/96568", json=body, headers=OPERATOR)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["order_id"])


async def found(http: httpx.AsyncClient, q: str) -> list[dict[str, Any]]:
    answer = await http.get("/v1/search/orders", params={"q": q}, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_an_order_is_found_by_part_of_its_address_phone_tail_and_content_words(
    intake: httpx.AsyncClient,
) -> None:
    app = intake.app  # type: ignore[attr-defined]
    mine = await new_call(
        intake,
        "96568-SEARCH-1",
        address={"text": ADDRESS},
        customer={"name": "张女士", "phone": "13906357788"},
        description="厨房水管漏水，地面全湿",
    )
    other = await new_call(
        intake, "96568-SEARCH-2", customer={"name": "李", "phone": "13906351111"}
    )
    # The first is closed: the search still finds it, with its state.
    async with app.state.runtime.db.transaction() as session:
        await session.execute(
            update(OrderRow).where(OrderRow.order_id == mine).values(state="resolved")
        )

    by_address = await found(intake, "水城花园3号楼")
    assert [(o["order_id"], o["state"], o["open"]) for o in by_address] == [
        (mine, "resolved", False)
    ]
    assert [o["order_id"] for o in await found(intake, "7788")] == [mine]
    assert [o["order_id"] for o in await found(intake, "漏水 地面")] == [mine]
    assert await found(intake, "漏水 屋顶") == []  # every word, not any
    assert await found(intake, "%") == [] and await found(intake, "水城_园") == []
    assert [o["order_id"] for o in await found(intake, "1111")] == [other]
    assert (await found(intake, "7788"))[0]["caller_phone"] == "139****7788"


async def test_a_department_finds_only_its_own_departments_orders_whatever_it_searches_by(
    intake: httpx.AsyncClient,
) -> None:
    app = intake.app  # type: ignore[attr-defined]
    ours = await new_call(intake, "96568-DEPT-1", customer={"name": "王", "phone": "13906352222"})
    theirs = await new_call(intake, "96568-DEPT-2", customer={"name": "赵", "phone": "13906352222"})
    async with app.state.runtime.db.transaction() as session:
        for order_id, department in ((ours, "USER_MAINTENANCE"), (theirs, "METER_READING")):
            await session.execute(
                update(OrderRow)
                .where(OrderRow.order_id == order_id)
                .values(handling_department=department)
            )
    assert {o["order_id"] for o in await found(intake, "2222")} == {ours, theirs}
    for role in ("department:USER_MAINTENANCE", "head:USER_MAINTENANCE"):
        answer = await intake.get("/v1/search/orders", params={"q": "2222"}, headers=token(role))
        assert [o["order_id"] for o in answer.json()["items"]] == [ours], role
    refused = await intake.get(
        "/v1/search/orders",
        params={"department": "METER_READING"},
        headers=token("head:USER_MAINTENANCE"),
    )
    assert (refused.status_code, refused.json()["field"]) == (403, "department")
