"""The 12345 platform's follow-ups on intake's HTTP face, on a real database (both backends),
without the broker: each example accepted as the event it becomes, a resend changes nothing,
an unknown order is a 404 whose message is kept for ops, bad input a Chinese 422 naming the
field, a dissatisfied callback reopens a resolved order for a second reply, a withdrawal owes
no reply (and cancels one queued but not yet sent)."""

import json
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.config import ReplyRules
from services.intake.handlers.replies import queue_reply_on_resolution
from services.intake.jobs import deliver_due
from services.intake.store import OrderRepository, ReplyRepository
from shared.contracts import OrderResolved, OrderResolvedPayload
from shared.paths import EXAMPLES_DIR
from shared.unit_of_work import UnitOfWork
from tests.support.databases import DatabaseFactory
from tests.support.intake_alone import intake_alone
from tests.support.system import token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
OPS = token("ops")
FOLLOWUPS = EXAMPLES_DIR / "followups"

# What each example becomes on an order still being handled (nothing to reopen yet).
BECOMES = {
    "urge.json": ["OrderUrged"],
    "supervise.json": ["OrderSupervised"],
    "callback.json": ["CallbackRecorded"],
    "redo.json": ["OrderSupervised"],  # its deadline still binds as a 督办's
    "withdraw.json": ["OrderWithdrawn"],
    "extension_decision.json": ["PlatformDecided"],
    "return_decision.json": ["PlatformDecided"],
}


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))
    return data


def followup(name: str, **changes: Any) -> dict[str, Any]:
    return {**example(f"followups/{name}"), **changes}


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with intake_alone(databases, tmp_path) as client:
        yield client


async def new_order(http: httpx.AsyncClient, order_no: str) -> str:
    body = {**example("12345_order.json"), "orderNo": order_no}
    answer = await http.post("/v1/orders/12345", json=body, headers=OPERATOR)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["order_id"])


async def post(http: httpx.AsyncClient, order_no: str, body: dict[str, Any]) -> httpx.Response:
    return await http.post(f"/v1/orders/12345/{order_no}/followups", json=body, headers=OPERATOR)


async def timeline_types(http: httpx.AsyncClient, order_id: str) -> list[str]:
    view = (await http.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    return [e["type"] for e in view["timeline"]]


async def resolve(app: FastAPI, order_id: str) -> None:
    """What the timeline consumer does when the router's OrderResolved arrives."""
    event = OrderResolved(
        order_id=order_id,
        occurred_at=datetime.now(UTC),
        producer="router",
        payload=OrderResolvedPayload(
            by="W-0301", department="USER_MAINTENANCE", public_reply="已修复"
        ),
    )
    runtime = app.state.runtime
    async with runtime.db.transaction() as session:
        uow = UnitOfWork(session=session, now=datetime.now(UTC))
        await queue_reply_on_resolution(event, uow, app.state.deps)


async def reply_cycles(app: FastAPI, order_id: str) -> list[int]:
    async with app.state.runtime.db.transaction() as session:
        return [r.cycle for r in await ReplyRepository(session).for_order(order_id)]


@pytest.mark.parametrize("name", sorted(BECOMES))
async def test_each_example_becomes_its_event_once(intake: httpx.AsyncClient, name: str) -> None:
    order_id = await new_order(intake, "LC-FU-1")
    first = await post(intake, "LC-FU-1", followup(name))
    assert first.status_code == 201, first.text
    assert first.json()["events"] == BECOMES[name]
    again = await post(intake, "LC-FU-1", followup(name))
    assert (again.status_code, again.json()["status"], again.json()["events"]) == (
        200,
        "already_received",
        [],
    )
    types = await timeline_types(intake, order_id)
    assert [t for t in types if t in BECOMES[name]] == BECOMES[name]  # once, not twice


async def test_an_unknown_order_is_a_404_and_its_message_waits_for_ops(
    intake: httpx.AsyncClient,
) -> None:
    for _ in range(2):
        missing = await post(intake, "LC-NOBODY", followup("urge.json"))
        assert (missing.status_code, missing.json()["field"]) == (404, "orderNo")
        assert "未找到" in missing.json()["detail"]
    kept = await intake.get("/v1/followups/unmatched", headers=OPS)
    assert kept.status_code == 200
    items = kept.json()["items"]
    assert [(i["order_no"], i["kind"]) for i in items] == [("LC-NOBODY", "urge")]
    assert items[0]["at"] == "2026-11-27T16:40:05+08:00"  # the platform's Beijing time
    assert (
        await intake.get("/v1/followups/unmatched", headers=token("head:X", "P-1"))
    ).status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            {k: v for k, v in followup("supervise.json").items() if k != "deadline"},
            "deadline",
            "缺少此字段",
        ),
        (followup("urge.json", kind="praise"), "kind", "kind 须为"),
        (followup("callback.json", satisfaction="还行"), "satisfaction", "取值不在允许范围内"),
        (followup("callback.json", solved="maybe"), "solved", "true 或 false"),
        (followup("urge.json", at="昨天下午"), "at", "须为时间"),
        (followup("urge.json", colour="red"), "colour", "不认识的字段"),
        (followup("urge.json", message_id=""), "message_id", "不能为空"),
    ],
)
async def test_bad_input_is_a_chinese_422_naming_the_field(
    intake: httpx.AsyncClient, body: dict[str, Any], field: str, says: str
) -> None:
    await new_order(intake, "LC-FU-2")
    answer = await post(intake, "LC-FU-2", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert says in answer.json()["detail"][0]["reason"]


async def test_a_dissatisfied_callback_reopens_a_resolved_order_for_a_second_reply(
    intake: httpx.AsyncClient,
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await new_order(intake, "LC-FU-3")
    await resolve(app, order_id)
    assert await reply_cycles(app, order_id) == [0]

    answer = await post(intake, "LC-FU-3", followup("callback.json"))
    assert answer.json()["events"] == ["CallbackRecorded", "OrderReopened"]
    view = (await intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    assert view["state"] == "reopened"
    reopened = next(e for e in view["timeline"] if e["type"] == "OrderReopened")
    assert reopened["payload"]["round"] == 2
    assert "第 2 次办理" in reopened["summary"]
    # The platform's 重办 right after its callback finds the order reopened: its deadline binds.
    redo = await post(intake, "LC-FU-3", followup("redo.json"))
    assert redo.json()["events"] == ["OrderSupervised"]

    await resolve(app, order_id)
    assert await reply_cycles(app, order_id) == [0, 1]  # the second 办结 owes a second reply
    satisfied = followup("callback.json", message_id="LC-FU-3-b", satisfaction="满意")
    assert (await post(intake, "LC-FU-3", satisfied)).json()["events"] == ["CallbackRecorded"]


async def test_a_redo_of_a_resolved_order_reopens_it_with_the_platforms_deadline(
    intake: httpx.AsyncClient,
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await new_order(intake, "LC-FU-4")
    await resolve(app, order_id)
    answer = await post(intake, "LC-FU-4", followup("redo.json"))
    assert answer.json()["events"] == ["OrderReopened"]
    view = (await intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    reopened = next(e for e in view["timeline"] if e["type"] == "OrderReopened")
    assert reopened["payload"]["deadline"] == "2026-12-01T02:30:00Z"  # 10:30 Beijing


async def test_a_withdrawn_order_owes_no_reply_and_takes_no_more_follow_ups(
    intake: httpx.AsyncClient,
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    order_id = await new_order(intake, "LC-FU-5")
    assert (await post(intake, "LC-FU-5", followup("withdraw.json"))).status_code == 201
    await resolve(app, order_id)  # the router may still resolve it: nothing goes out
    assert await reply_cycles(app, order_id) == []
    view = (await intake.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    assert view["state"] == "withdrawn"
    late = await post(intake, "LC-FU-5", followup("callback.json"))
    assert (late.status_code, late.json()["events"]) == (201, [])
    async with app.state.runtime.db.transaction() as session:
        order = await OrderRepository(session).get(order_id)
        assert order is not None and order.reply_cycle in (0, None)


class KeptSink:
    """The platform's gateway as a list: what reached it."""

    target = "memory:12345"

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def send(self, body: Mapping[str, Any]) -> None:
        self.received.append(dict(body))


async def test_a_withdrawal_cancels_the_reply_queued_but_not_yet_sent(
    intake: httpx.AsyncClient,
) -> None:
    app: FastAPI = intake.app  # type: ignore[attr-defined]
    runtime = app.state.runtime
    withdrawn = await new_order(intake, "LC-FU-6")
    answered = await new_order(intake, "LC-FU-7")
    await resolve(app, withdrawn)  # its reply waits for the sender's next round…
    await resolve(app, answered)
    assert (await intake.get("/v1/replies/pending", headers=OPS)).json()["pending"] == 2
    assert (await post(intake, "LC-FU-6", followup("withdraw.json"))).status_code == 201

    sink = KeptSink()
    later = datetime.now(UTC) + timedelta(minutes=1)
    rules = ReplyRules(quick_attempts=1, quick_wait_seconds=0.01)
    assert await deliver_due(runtime.db, runtime.outbox, {"12345": sink}, later, rules) == 1
    assert [r["orderNo"] for r in sink.received] == ["LC-FU-7"]  # …and never goes out
    assert await deliver_due(runtime.db, runtime.outbox, {"12345": sink}, later, rules) == 0
    assert (await intake.get("/v1/replies/pending", headers=OPS)).json() == {
        "pending": 0,
        "items": [],
    }
    view = (await intake.get(f"/v1/orders/{withdrawn}", headers=OPERATOR)).json()
    assert [r["state"] for r in view["replies"]] == ["cancelled"]
