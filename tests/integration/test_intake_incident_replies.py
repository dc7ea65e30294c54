"""Each caller of an incident is answered about their own call (issue 20), on both databases: a
水压低 caller merged into a burst main's 漏水 incident is not told 漏水已修复 but the configured
水压低 text, the 漏水 caller gets the worker's reply as written, and the incident's page lists
every caller who will be answered with their own category and what they will be told."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.handlers.replies import queue_reply_on_resolution
from services.intake.store import ReplyRepository
from shared.contracts import OrderResolved, OrderResolvedPayload
from shared.paths import EXAMPLES_DIR
from shared.unit_of_work import UnitOfWork
from tests.support.databases import DatabaseFactory
from tests.support.intake_alone import intake_alone
from tests.support.system import token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
LEAK_FIXED = "您好，漏水已修复，感谢来电。"


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with intake_alone(databases, tmp_path) as client:
        yield client


async def call(http: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    body = {**json.loads((EXAMPLES_DIR / "12345_order.json").read_text("utf-8")), **changes}
    answer = await http.post("/v1/orders/12345", json=body, headers=OPERATOR)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def resolve(app: FastAPI, order_id: str, primary: str | None, incident: str) -> None:
    """What the timeline consumer does with the router's resolution of an incident's order."""
    event = OrderResolved(
        order_id=order_id,
        occurred_at=datetime.now(UTC),
        producer="router",
        payload=OrderResolvedPayload(
            by="W-0301",
            department="USER_MAINTENANCE",
            handling_notes="抢修更换DN300主管，漏水已止",
            public_reply=LEAK_FIXED,
            incident_id=incident,
            cascaded_from=primary,
        ),
    )
    async with app.state.runtime.db.transaction() as session:
        uow = UnitOfWork(session=session, now=datetime.now(UTC))
        await queue_reply_on_resolution(event, uow, app.state.deps)


async def told(app: FastAPI, order_id: str) -> dict[str, Any]:
    async with app.state.runtime.db.transaction() as session:
        (row,) = await ReplyRepository(session).for_order(order_id)
        return dict(row.body)


async def test_a_low_pressure_caller_in_a_burst_main_incident_is_not_told_the_leak_is_fixed(
    intake: httpx.AsyncClient,
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    leak = await call(intake, orderNo="LC-INC-1")
    pressure = await call(
        intake,
        orderNo="LC-INC-2",
        acceptTime="2026-11-27 09:25:00",
        callerPhone="13906359876",
        address="聊城市东昌府区柳园街道水城花园5号楼1单元",
        category="城市管理-供水-水压低",
        title="水压低",
        content="家里水龙头水流很小，洗澡都不行",
    )
    incident = pressure["incident_id"]
    assert incident is not None
    primary = leak["order_id"]

    # Before the work is done, the worker sees both callers who will be answered.
    page = (await intake.get(f"/v1/incidents/{incident}/page", headers=OPERATOR)).json()
    owed = {(m["order_id"], m["category_label"], m["reply"]) for m in page["owed_replies"]}
    assert owed == {(primary, "漏水", "owed"), (pressure["order_id"], "水压低", "owed")}

    await resolve(app, primary, None, incident)
    await resolve(app, pressure["order_id"], primary, incident)

    to_leak = await told(app, primary)
    assert to_leak["replyContent"] == LEAK_FIXED  # the worker's words, to the caller they fit
    to_pressure = await told(app, pressure["order_id"])
    for said in (to_pressure["replyContent"], to_pressure["handleResult"]):
        assert "漏水" not in said
        assert "水压低" in said
    page = (await intake.get(f"/v1/incidents/{incident}/page", headers=OPERATOR)).json()
    queued = {m["order_id"]: m for m in page["owed_replies"]}
    assert queued[pressure["order_id"]]["reply"] == "queued"
    assert queued[pressure["order_id"]]["reply_text"] == to_pressure["replyContent"]
    assert queued[primary]["reply_text"] == LEAK_FIXED
