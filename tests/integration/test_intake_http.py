"""Intake's HTTP face on a real database (both backends), without the broker: what it accepts,
what it refuses and why, the care register, and who sees a caller's identity."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import select

from services.intake.app import MIGRATIONS, create_app
from services.intake.config import IntakeSettings, ReplyRules
from services.intake.handlers.replies import queue_replies
from services.intake.handlers.timeline import record_in_timeline
from services.intake.jobs import deliver_due
from services.intake.sources import Call96568, GridActivity, GridReport, Order12345
from services.intake.store import OrderRepository, OutboxRow
from shared.clock import SystemClock
from shared.contracts import (
    OrderDispatched,
    OrderDispatchedPayload,
    OrderResolved,
    OrderResolvedPayload,
    ProgressNoted,
    ProgressNotedPayload,
)
from shared.masking import has_unmasked_mobile
from shared.migrations import upgrade
from shared.paths import EXAMPLES_DIR
from tests.support.databases import DatabaseFactory
from tests.support.system import token

pytestmark = pytest.mark.integration

OPERATOR = token("operator")
WORKER = token("department:USER_MAINTENANCE", "W-0301")
HEAD = token("head:USER_MAINTENANCE", "P-0200")


def example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


@dataclass
class Http:
    client: httpx.AsyncClient
    app: FastAPI

    async def dispatch(self, order_id: str, department: str) -> None:
        """What the timeline consumer does when the router's OrderDispatched arrives."""
        runtime = self.app.state.runtime
        event = OrderDispatched(
            order_id=order_id,
            occurred_at=datetime.now(UTC),
            producer="router",
            payload=OrderDispatchedPayload(
                assignment_id=1,
                department=department,
                assignee_id="W-0301",
                chain_position="A",
                ack_due=datetime.now(UTC),
            ),
        )
        async with runtime.db.transaction() as session:
            await record_in_timeline(event, session)


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[Http]:
    """Intake's app on its real database; the broker is not needed to answer HTTP (events wait
    in the outbox)."""
    settings = IntakeSettings(
        database_url=await databases.url("intake"), var_dir=tmp_path, log_json=False
    )
    app = create_app(settings, SystemClock())
    runtime = app.state.runtime
    await runtime.db.start()
    await upgrade(runtime.db, MIGRATIONS)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield Http(client, app)
    finally:
        await runtime.db.stop()


async def test_the_care_register_marks_orders_from_its_households_and_raises_their_priority(
    intake: Http,
) -> None:
    http = intake.client
    by_phone = await http.post(
        "/v1/care-register",
        json={"name": "王奶奶", "phone": "13906351234", "reason": "独居老人"},
        headers=WORKER,
    )
    by_address = await http.post(
        "/v1/care-register",
        json={
            "name": "李大爷",
            "community": "水城小区",
            "building": "5",
            "unit": "1",
            "reason": "残疾人",
        },
        headers=WORKER,
    )
    assert (by_phone.status_code, by_address.status_code) == (201, 201)
    assert by_phone.json()["phone"] == "139****1234"

    order = await http.post("/v1/orders/12345", json=example("12345_order.json"), headers=OPERATOR)
    call = await http.post("/v1/orders/96568", json=example("96568_call.json"), headers=OPERATOR)
    for reply, priority in ((order, "critical"), (call, "urgent")):  # 紧急 +1; 一般 +1
        view = (await http.get(f"/v1/orders/{reply.json()['order_id']}", headers=OPERATOR)).json()
        assert (view["special_care"], view["priority"]) == (True, priority)

    report = {
        **example("grid_report.json"),
        "report_id": "hh-1",
        "kind": "vulnerable_household",
        "finding": None,
        "location": {"community": "古楼社区", "building": "2", "unit": "3"},
        "household": {"name": "张爷爷", "reason": "独居老人"},
    }
    registered = await http.post("/v1/grid-reports", json=report, headers=WORKER)
    assert (registered.status_code, registered.json()["status"]) == (201, "registered")
    resent = await http.post("/v1/grid-reports", json=report, headers=WORKER)
    assert resent.json()["register_id"] == registered.json()["register_id"]

    retired = await http.post(
        f"/v1/care-register/{by_phone.json()['id']}/retire",
        json={"reason": "已搬离"},
        headers=WORKER,
    )
    assert retired.status_code == 200
    again = await http.post(
        f"/v1/care-register/{by_phone.json()['id']}/retire",
        json={"reason": "已搬离"},
        headers=WORKER,
    )
    assert (again.status_code, again.json()["field"]) == (409, "entry_id")
    updated = await http.put(
        f"/v1/care-register/{by_address.json()['id']}",
        json={
            "name": "李大爷",
            "community": "水城花园",
            "building": "5",
            "unit": "1",
            "room": "402",
            "reason": "残疾人（轮椅）",
        },
        headers=WORKER,
    )
    assert updated.json()["reason"] == "残疾人（轮椅）"

    later = {
        **example("12345_order.json"),
        "orderNo": "LC-AFTER-RETIRE",
        "address": "东昌府区古楼社区9号楼",
    }
    later_id = (await http.post("/v1/orders/12345", json=later, headers=OPERATOR)).json()[
        "order_id"
    ]
    view = (await http.get(f"/v1/orders/{later_id}", headers=OPERATOR)).json()
    assert (view["special_care"], view["priority"]) == (False, "urgent")

    assert (await http.get("/v1/care-register", headers=WORKER)).status_code == 403
    listed = (await http.get("/v1/care-register", headers=HEAD)).json()["items"]
    assert [e["name"] for e in listed] == ["李大爷", "张爷爷"]
    everyone = (await http.get("/v1/care-register?include_retired=true", headers=HEAD)).json()
    assert len(everyone["items"]) == 3
    assert not has_unmasked_mobile(json.dumps(everyone, ensure_ascii=False))


async def test_a_confidential_caller_is_for_the_department_and_the_number_for_the_assignee(
    intake: Http,
) -> None:
    http = intake.client
    secret = {**example("12345_order.json"), "confidential": True}
    open_ = {**example("12345_order.json"), "orderNo": "LC-OPEN", "callerPhone": "13811112222"}
    secret_id = (await http.post("/v1/orders/12345", json=secret, headers=OPERATOR)).json()[
        "order_id"
    ]
    open_id = (await http.post("/v1/orders/12345", json=open_, headers=OPERATOR)).json()["order_id"]
    await intake.dispatch(secret_id, "USER_MAINTENANCE")
    await intake.dispatch(open_id, "USER_MAINTENANCE")

    async def caller(order_id: str, who: dict[str, str]) -> tuple[str | None, str | None]:
        view = (await http.get(f"/v1/orders/{order_id}", headers=who)).json()
        return view["caller_name"], view["caller_phone"]

    assert await caller(secret_id, WORKER) == ("王女士", "13906351234")
    # The head knows who called but dials nobody: the number is the assignee's alone.
    assert await caller(secret_id, HEAD) == ("王女士", "139****1234")
    for outsider in (OPERATOR, token("admin")):
        assert await caller(secret_id, outsider) == (None, None)
        assert await caller(open_id, outsider) == ("王女士", "138****2222")
    # A department the order was never given to does not read it at all.
    other = await http.get(f"/v1/orders/{open_id}", headers=token("department:METER_READING"))
    assert other.status_code == 403
    assert await caller(open_id, WORKER) == ("王女士", "13811112222")

    note = ProgressNoted(
        order_id=open_id,
        occurred_at=datetime.now(UTC),
        producer="router",
        payload=ProgressNotedPayload(note="已致电13811112222约定下午上门", by="W-0301"),
    )
    async with intake.app.state.runtime.db.transaction() as session:
        await record_in_timeline(note, session)

    async def notes(who: dict[str, str]) -> str:
        view = (await http.get(f"/v1/orders/{open_id}", headers=who)).json()
        return json.dumps(view["timeline"], ensure_ascii=False)

    # Only the caller's phone field is shown in full to the handling department; a number
    # quoted in a note is masked for every reader, that department included.
    assert "138****2222" in await notes(WORKER)
    assert not has_unmasked_mobile(await notes(WORKER))
    assert not has_unmasked_mobile(await notes(OPERATOR))


BIG = "水" * 70_000


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/v1/orders/12345", {**example("12345_order.json"), "extra": 1}, 422, "extra"),
        (
            "/v1/orders/12345",
            {**example("12345_order.json"), "content": "水" * 4001},
            422,
            "content",
        ),
        ("/v1/orders/12345", {**example("12345_order.json"), "content": BIG}, 413, "body"),
        (
            "/v1/orders/12345",
            {**example("12345_order.json"), "acceptTime": "1900-01-01 08:00:00"},
            422,
            "acceptTime",
        ),
        ("/v1/orders/12345", {**example("12345_order.json"), "title": "a\x00b"}, 422, "title"),
        (
            "/v1/orders/12345",
            {**example("12345_order.json"), "confidential": "maybe"},
            422,
            "confidential",
        ),
        ("/v1/orders/12345/batch", [], 422, "body"),
        ("/v1/orders/12345/batch", [example("12345_order.json"), {}], 422, "1.orderNo"),
        (
            "/v1/orders/96568",
            {**example("96568_call.json"), "customer": {"name": "李"}},
            422,
            "customer.phone",
        ),
        (
            "/v1/orders/96568",
            {**example("96568_call.json"), "account_no": "AB12"},
            422,
            "account_no",
        ),
        ("/v1/grid-reports", {**example("grid_report.json"), "kind": "gossip"}, 422, "kind"),
        (
            "/v1/grid-reports",
            {**example("grid_report.json"), "kind": "vulnerable_household"},
            422,
            "household",
        ),
        ("/v1/grid-activity", [{**example("grid_activity.json")[0], "kind": "nap"}], 422, "0.kind"),
        ("/v1/grid-activity", 42, 422, "body"),
        ("/v1/care-register", {"name": "无名", "reason": "独居老人"}, 422, "body"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_the_reason(
    intake: Http, path: str, body: Any, status: int, field: str
) -> None:
    headers = WORKER if path.startswith(("/v1/grid", "/v1/care")) else OPERATOR
    reply = await intake.client.post(path, json=body, headers=headers)
    assert reply.status_code == status, reply.text
    assert reply.json()["field"] == field, reply.json()
    assert reply.json()["detail"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


# Text longer than the usual 100-character column finds columns narrower than a format accepts.
long_text = st.text(min_size=101, max_size=400) | st.text(
    alphabet="水城花园号楼单元区", min_size=101, max_size=400
)


def near_misses(name: str) -> st.SearchStrategy[Any]:
    """The example with one or two of its fields replaced by arbitrary JSON, long text or a
    time: close enough to the real thing to get past the first checks."""
    base = example(name)
    sample = base[0] if isinstance(base, list) else base
    return st.dictionaries(
        st.sampled_from(sorted(sample)),
        long_text | json_values | st.datetimes().map(str),
        min_size=1,
        max_size=2,
    ).map(lambda changes: {**sample, **changes})


def long_fields(name: str) -> st.SearchStrategy[Any]:
    """The example with one text field as long as it could be: the widths of the database's
    columns against the widths the format allows."""
    base = example(name)
    sample = base[0] if isinstance(base, list) else base
    texts = sorted(k for k, v in sample.items() if isinstance(v, str))
    return st.tuples(st.sampled_from(texts), long_text).map(
        lambda change: {**sample, change[0]: change[1]}
    )


def variants_of(name: str) -> st.SearchStrategy[Any]:
    return near_misses(name) | long_fields(name)


ENDPOINTS = {
    "/v1/orders/12345": variants_of("12345_order.json"),
    "/v1/orders/96568": variants_of("96568_call.json"),
    "/v1/grid-reports": variants_of("grid_report.json"),
    "/v1/grid-activity": variants_of("grid_activity.json"),
    "/v1/orders/12345/batch": st.lists(variants_of("12345_order.json"), max_size=3),
    "/v1/care-register": json_values,
}


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.data())
async def test_no_json_body_makes_intake_answer_5xx(
    intake: Http, path: str, body: st.DataObject
) -> None:
    # Near-misses of the real format reach the database; arbitrary JSON tests the first checks.
    value = body.draw(st.one_of(ENDPOINTS[path], ENDPOINTS[path], json_values))
    headers = WORKER if path.startswith(("/v1/grid", "/v1/care")) else OPERATOR
    reply = await intake.client.post(path, json=value, headers=headers)
    assert reply.status_code < 500, (path, value, reply.text)
    assert reply.status_code in (200, 201) or reply.json()["field"]


async def test_batches_take_several_orders_at_once_and_know_their_repeats(intake: Http) -> None:
    http = intake.client
    first = example("12345_order.json")
    second = {**first, "orderNo": "LC-BATCH-2", "callerPhone": "13722223333"}
    batch = await http.post("/v1/orders/12345/batch", json=[first, second, first], headers=OPERATOR)
    assert batch.status_code == 201
    items = batch.json()["items"]
    assert [i["status"] for i in items] == ["created", "created", "duplicate"]
    assert items[2]["order_id"] == items[0]["order_id"]
    calls = await http.post(
        "/v1/orders/96568/batch", json=[example("96568_call.json")], headers=OPERATOR
    )
    reports = await http.post(
        "/v1/grid-reports/batch", json=[example("grid_report.json")], headers=WORKER
    )
    assert (calls.json()["created"], reports.json()["created"]) == (1, 1)
    repeat = await http.post(
        "/v1/orders/96568/batch", json=[example("96568_call.json")], headers=OPERATOR
    )
    assert (repeat.status_code, repeat.json()["items"][0]["status"]) == (200, "duplicate")


class FlakySink:
    target = "test:flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []

    async def send(self, body: Any) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("platform down")
        self.received.append(dict(body))


async def test_an_undelivered_reply_waits_in_the_queue_and_goes_out_after_the_backoff(
    intake: Http,
) -> None:
    runtime = intake.app.state.runtime
    order_id = (
        await intake.client.post(
            "/v1/orders/12345", json=example("12345_order.json"), headers=OPERATOR
        )
    ).json()["order_id"]
    t0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    event = OrderResolved(
        order_id=order_id,
        occurred_at=t0,
        producer="router",
        payload=OrderResolvedPayload(
            by="W-0301", department="USER_MAINTENANCE", public_reply="已修复"
        ),
    )
    async with runtime.db.transaction() as session:
        order = await OrderRepository(session).get(order_id)
        assert order is not None
        assert await queue_replies(event, order, session, t0) == 1
        assert await queue_replies(event, order, session, t0) == 0  # one reply per resolution

    rules = ReplyRules(quick_attempts=2, quick_wait_seconds=0.01, backoff_seconds=60)
    sink = FlakySink(failures=3)
    sinks = {"12345": sink}
    assert await deliver_due(runtime.db, runtime.outbox, sinks, t0, rules) == 0  # 2 tries fail
    assert (
        await deliver_due(runtime.db, runtime.outbox, sinks, t0 + timedelta(seconds=59), rules) == 0
    )
    assert sink.failures == 1  # not tried again before its backoff
    waiting = (await intake.client.get("/v1/replies/pending", headers=token("ops"))).json()
    assert waiting["pending"] == 1
    assert (waiting["items"][0]["attempts"], waiting["items"][0]["last_error"]) == (
        2,
        "ConnectionError: platform down",
    )
    assert "gridline_intake_replies_pending 1.0" in (await intake.client.get("/metrics")).text
    assert (
        await deliver_due(runtime.db, runtime.outbox, sinks, t0 + timedelta(seconds=60), rules) == 1
    )
    assert sink.received[0]["replyContent"] == "已修复"
    waiting = (await intake.client.get("/v1/replies/pending", headers=token("ops"))).json()
    assert waiting == {"pending": 0, "items": []}

    async with runtime.db.transaction() as session:
        sent = list(
            await session.scalars(select(OutboxRow).where(OutboxRow.event_type == "ReplySent"))
        )
    assert len(sent) == 1
    assert json.loads(sent[0].body)["payload"]["attempts"] == 4
    view = (await intake.client.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
    assert view["replies"][0]["state"] == "sent"


async def test_the_same_caller_on_two_channels_is_one_incident(intake: Http) -> None:
    http = intake.client
    call = example("96568_call.json")  # 0635-8212345, 水城花园, 水压低
    first = await http.post("/v1/orders/96568", json=call, headers=OPERATOR)
    again = {
        **example("12345_order.json"),
        "callerPhone": "06358212345",  # the same landline, written without the hyphen
        "address": "东昌府区古楼社区1号楼",  # another community: only the caller links them
        "category": "城市管理-供水-水压低",
    }
    second = await http.post("/v1/orders/12345", json=again, headers=OPERATOR)
    incident_id = second.json()["incident_id"]
    assert incident_id
    incident = (await http.get(f"/v1/incidents/{incident_id}", headers=OPERATOR)).json()
    assert (incident["rule"], incident["primary_order_id"], incident["members"]) == (
        "same_caller",
        first.json()["order_id"],
        2,
    )
    other = {
        **again,
        "orderNo": "LC-OTHER",
        "callerPhone": "13700001111",
        "address": "东昌府区东昌首府1号楼",
    }
    unrelated = await http.post("/v1/orders/12345", json=other, headers=OPERATOR)
    assert unrelated.json()["incident_id"] is None


async def test_one_caller_ringing_ten_times_is_an_incident_but_no_major_event(
    intake: Http,
) -> None:
    replies = [
        await intake.client.post(
            "/v1/orders/12345",
            json={**example("12345_order.json"), "orderNo": f"LC-AGAIN-{i}"},
            headers=OPERATOR,
        )
        for i in range(10)
    ]
    incident_id = replies[-1].json()["incident_id"]
    incident = (await intake.client.get(f"/v1/incidents/{incident_id}", headers=OPERATOR)).json()
    assert (incident["members"], incident["major_event"]) == (10, False)


async def test_a_long_unparsable_address_is_kept_and_flagged(intake: Http) -> None:
    order = {**example("12345_order.json"), "address": "某" * 300}
    reply = await intake.client.post("/v1/orders/12345", json=order, headers=OPERATOR)
    assert reply.status_code == 201, reply.text
    view = await intake.client.get(f"/v1/orders/{reply.json()['order_id']}", headers=OPERATOR)
    assert view.json()["grid_matched"] is False


def widest(model: type[BaseModel], sample: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The sample with each free-text field, one at a time, at the longest its format allows."""
    out: list[tuple[str, dict[str, Any]]] = []
    for name, info in model.model_fields.items():
        limit = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        patterned = any(getattr(m, "pattern", None) for m in info.metadata)
        nested = info.annotation if isinstance(info.annotation, type) else None
        if (
            nested is not None
            and issubclass(nested, BaseModel)
            and isinstance(sample.get(name), dict)
        ):
            out += [(f"{name}.{f}", {**sample, name: v}) for f, v in widest(nested, sample[name])]
        elif limit and not patterned and (name not in sample or isinstance(sample[name], str)):
            out.append((name, {**sample, name: ("幸福里东门口西侧" * limit)[:limit]}))
    return out


WIDE_BODIES = (
    [
        ("/v1/orders/12345", field, body)
        for field, body in widest(Order12345, example("12345_order.json"))
    ]
    + [
        ("/v1/orders/96568", field, body)
        for field, body in widest(Call96568, example("96568_call.json"))
    ]
    + [
        ("/v1/grid-reports", field, body)
        for field, body in widest(GridReport, example("grid_report.json"))
    ]
    + [
        ("/v1/grid-activity", field, body)
        for field, body in widest(GridActivity, example("grid_activity.json")[0])
    ]
)


SOURCE_NUMBER = {
    "/v1/orders/12345": "orderNo",
    "/v1/orders/96568": "ticket_id",
    "/v1/grid-reports": "report_id",
    "/v1/grid-activity": "activity_id",
}


async def test_every_text_field_at_its_longest_is_stored(intake: Http) -> None:
    """The database's columns are as wide as the formats let text be (a 5xx otherwise)."""
    assert len(WIDE_BODIES) > 20
    for i, (path, field, body) in enumerate(WIDE_BODIES):
        number = SOURCE_NUMBER[path]
        fresh = body if field == number else {**body, number: f"WIDE-{i}"}  # never a repeat
        headers = WORKER if path.startswith("/v1/grid") else OPERATOR
        reply = await intake.client.post(path, json=fresh, headers=headers)
        assert reply.status_code == 201, (path, field, reply.text)
