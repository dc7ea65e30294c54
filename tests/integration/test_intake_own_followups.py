"""Our own follow-ups on intake's HTTP face, on a real database (both backends): a 96568 order
resolved today is on the operators' 回访 list; 联系不上 is a try that keeps it there until the
last one allowed (config/callbacks.yaml) ends it; 不满意 records the callback and reopens the order
as the platform's 回访 does a 12345 order; a 12345 order is the platform's to call back; a 催办
on an order still being handled is OrderUrged, on a resolved one a 409."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.integration.test_intake_followups import (
    example,
    intake,  # noqa: F401 (the fixture)
    new_order,
    resolve,
    timeline_types,
)
from tests.support.system import token

pytestmark = pytest.mark.integration

OPERATOR = token("operator", "op-017")


async def call_in(http: httpx.AsyncClient, ticket: str) -> str:
    body = {**example("96568_call.json"), "ticket_id": ticket}
    answer = await http.post("/v1/orders/96568", json=body, headers=OPERATOR)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["order_id"])


async def due(http: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    answer = await http.get("/v1/callbacks/due", headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    return {i["order_id"]: i for i in answer.json()["items"]}


async def called_back(http: httpx.AsyncClient, order_id: str, result: str) -> httpx.Response:
    body = {"result": result, "opinion": "水还是黄的"}
    return await http.post(f"/v1/orders/{order_id}/callback", json=body, headers=OPERATOR)


async def test_a_96568_callback_unreached_then_dissatisfied_reopens_the_order(
    intake: httpx.AsyncClient,  # noqa: F811
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await call_in(intake, "96568-CB-1")
    assert order_id not in await due(intake)  # not resolved yet
    early = await called_back(intake, order_id, "满意")
    assert early.status_code == 409 and "尚未办结" in early.json()["detail"]
    await resolve(app, order_id)

    listed = (await due(intake))[order_id]
    assert (listed["round"], listed["unreached"], listed["overdue"]) == (1, 0, False)
    assert "***" in listed["caller_phone"]  # masked for the desk

    missed = await called_back(intake, order_id, "联系不上")
    assert missed.status_code == 201, missed.text
    assert (missed.json()["events"], missed.json()["closed"]) == ([], False)
    assert (await due(intake))[order_id]["unreached"] == 1

    unhappy = await called_back(intake, order_id, "不满意")
    assert unhappy.status_code == 201, unhappy.text
    assert unhappy.json()["events"] == ["CallbackRecorded", "OrderReopened"]
    assert order_id not in await due(intake)
    types = await timeline_types(intake, order_id)
    assert types[-2:] == ["CallbackRecorded", "OrderReopened"], types
    view = (await intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    assert view["state"] == "reopened", view
    again = await called_back(intake, order_id, "满意")
    assert again.status_code == 409  # reopened: nothing to call back about until resolved again


async def test_the_last_unreached_try_ends_the_callback_and_12345_is_the_platforms(
    intake: httpx.AsyncClient,  # noqa: F811
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await call_in(intake, "96568-CB-2")
    await resolve(app, order_id)
    answers = [(await called_back(intake, order_id, "联系不上")).json() for _ in range(3)]
    assert [(a["closed"], a["tries"]) for a in answers] == [(False, 1), (False, 2), (True, 3)]
    assert order_id not in await due(intake)
    assert (await called_back(intake, order_id, "联系不上")).status_code == 409

    platform = await new_order(intake, "LC-CB-3")
    await resolve(app, platform)
    assert platform not in await due(intake)
    refused = await called_back(intake, platform, "满意")
    assert refused.status_code == 409 and "平台回访" in refused.json()["detail"]
    worker = token("department:USER_MAINTENANCE", "W-0301")
    body = {"result": "满意"}
    forbidden = await intake.post(f"/v1/orders/{order_id}/callback", json=body, headers=worker)
    assert forbidden.status_code == 403
    assert (await intake.get("/v1/callbacks/due", headers=worker)).status_code == 403
    bad = await intake.post(
        f"/v1/orders/{order_id}/callback", json={"result": "还行"}, headers=OPERATOR
    )
    assert bad.status_code == 422 and bad.json()["field"].endswith("result")


async def test_an_urge_on_an_order_being_handled_is_order_urged(
    intake: httpx.AsyncClient,  # noqa: F811
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await call_in(intake, "96568-URGE-1")
    body = {"content": "用户再次来电，水还没修好"}
    urged = await intake.post(f"/v1/orders/{order_id}/urge", json=body, headers=OPERATOR)
    assert urged.status_code == 201, urged.text
    assert urged.json()["events"] == ["OrderUrged"]
    second = await intake.post(f"/v1/orders/{order_id}/urge", json=body, headers=OPERATOR)
    assert second.json()["message_id"] != urged.json()["message_id"]  # a new 催办, told again
    assert (await timeline_types(intake, order_id)).count("OrderUrged") == 2
    await resolve(app, order_id)
    late = await intake.post(f"/v1/orders/{order_id}/urge", json=body, headers=OPERATOR)
    assert late.status_code == 409 and "无需催办" in late.json()["detail"]
    assert (
        await intake.post("/v1/orders/GL-NONE/urge", json=body, headers=OPERATOR)
    ).status_code == 404
