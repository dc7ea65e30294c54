"""The hotline's telephone on intake's HTTP face, on a real database (both backends): Zammad's
generic CTI events from a PBX (form-encoded or JSON, ``pbx`` token only) into a masked call log;
a missed call becomes a 回拨 task for operators, closed by the caller's next answered call or by
logged callbacks (reached, or 联系不上 after the configured tries); a resent event changes
nothing; bad input is a Chinese 422 naming the field. No broker: nothing here is published."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from services.intake.app import MIGRATIONS, create_app
from services.intake.config import IntakeSettings
from shared.clock import SystemClock
from shared.migrations import upgrade
from tests.support.databases import DatabaseFactory
from tests.support.system import token

pytestmark = pytest.mark.integration

PBX = token("pbx", "pbx-1")
OPERATOR = token("operator", "op-017")
CALLER = "13906351234"


@pytest.fixture
async def intake(databases: DatabaseFactory, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
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
            yield client
    finally:
        await runtime.db.stop()


def cti(event: str, call_id: str, **more: Any) -> dict[str, Any]:
    """A Zammad generic CTI event for an inbound call to the 96568 desk."""
    return {
        "event": event,
        "from": f"86{CALLER}",
        "to": "96568",
        "direction": "in",
        "callId": call_id,
        **more,
    }


async def form(http: httpx.AsyncClient, body: dict[str, Any], **kw: Any) -> httpx.Response:
    """Posted as Zammad's connectors do by default: form-encoded, ``user[]`` repeated."""
    return await http.post("/v1/calls/events", data=body, headers=kw.pop("headers", PBX), **kw)


async def as_json(http: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await http.post("/v1/calls/events", json=body, headers=PBX)


async def open_callbacks(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    answer = await http.get("/v1/calls/callbacks", headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def miss(http: httpx.AsyncClient, call_id: str) -> int:
    """A call that rang and was hung up before anyone answered: its 回拨 task's id."""
    rang = await form(http, {**cti("newCall", call_id, queue="hotline"), "user[]": ["王芳"]})
    assert rang.status_code == 200, rang.text
    gone = await as_json(http, cti("hangup", call_id, cause="cancel"))
    assert gone.status_code == 200, gone.text
    assert gone.json()["missed"] is True
    return int(gone.json()["callback_id"])


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_missed_call_is_a_callback_task_closed_by_the_callers_next_answered_call(
    intake: httpx.AsyncClient,
) -> None:
    missed_before = counted("gridline_intake_calls_total", outcome="missed")
    task = await miss(intake, "call-1")
    [listed] = await open_callbacks(intake)
    assert (listed["callback_id"], listed["state"], listed["state_label"]) == (
        task,
        "open",
        "待回拨",
    )
    assert listed["phone"] == "139****1234"  # masked, as every phone intake shows
    assert listed["due_at"] > listed["missed_at"]
    assert counted("gridline_intake_calls_total", outcome="missed") == missed_before + 1

    # The same caller misses again: one task per caller, counting the calls.
    assert await miss(intake, "call-2") == task
    assert [c["missed_calls"] for c in await open_callbacks(intake)] == [2]

    # The caller rings again and is answered (form-encoded, as connectors send it).
    assert (await form(intake, cti("newCall", "call-3"))).status_code == 200
    answered = await form(intake, cti("answer", "call-3", answeringNumber="8017"))
    assert answered.json()["status"] == "recorded"
    assert await open_callbacks(intake) == []
    closed = (await intake.get("/v1/calls/callbacks?state=all", headers=OPERATOR)).json()
    assert [(c["state"], c["state_label"]) for c in closed["items"]] == [("answered", "来电已接通")]

    ended = await as_json(intake, cti("hangup", "call-3", cause="normalClearing"))
    assert ended.json()["missed"] is False
    log = (await intake.get(f"/v1/calls?phone={CALLER}", headers=OPERATOR)).json()["items"]
    assert [c["call_id"] for c in log] == ["call-3", "call-2", "call-1"]
    assert log[2]["users"] == ["王芳"] and log[2]["cause_label"] == "未接通即挂断"
    assert log[0]["answered_by"] == "8017" and log[0]["phone"] == "139****1234"
    assert "1390635" not in str(log)  # no unmasked number anywhere in the log


async def test_logged_callbacks_close_a_task_reached_or_after_the_tries_unreachable(
    intake: httpx.AsyncClient,
) -> None:
    task = await miss(intake, "call-10")
    path = f"/v1/calls/callbacks/{task}/attempts"
    first = await intake.post(path, json={"reached": False, "note": "无人接听"}, headers=OPERATOR)
    assert (first.status_code, first.json()["state"]) == (200, "open"), first.text
    second = await intake.post(path, json={"reached": True, "note": "已说明"}, headers=OPERATOR)
    assert (second.json()["state"], second.json()["closed_by"]) == ("reached", "op-017")
    assert [t["reached"] for t in second.json()["tries"]] == [False, True]
    assert await open_callbacks(intake) == []
    late = await intake.post(path, json={"reached": True}, headers=OPERATOR)
    assert late.status_code == 409 and "已结束" in late.json()["detail"]

    other = await miss(intake, "call-11")  # three tries that reach nobody (config/calls.yaml)
    states = [
        (
            await intake.post(
                f"/v1/calls/callbacks/{other}/attempts", json={"reached": False}, headers=OPERATOR
            )
        ).json()["state"]
        for _ in range(3)
    ]
    assert states == ["open", "open", "unreachable"]
    gone = (await intake.get("/v1/calls/callbacks?state=unreachable", headers=OPERATOR)).json()
    assert [(c["callback_id"], c["state_label"]) for c in gone["items"]] == [(other, "联系不上")]
    missing = await intake.post(
        "/v1/calls/callbacks/999/attempts", json={"reached": True}, headers=OPERATOR
    )
    assert missing.status_code == 404


async def test_an_event_sent_twice_changes_nothing_and_anonymous_callers_owe_no_callback(
    intake: httpx.AsyncClient,
) -> None:
    await miss(intake, "call-20")
    again = await as_json(intake, cti("hangup", "call-20", cause="cancel"))
    assert again.json()["status"] == "already_received"
    assert [c["missed_calls"] for c in await open_callbacks(intake)] == [1]

    hidden = {**cti("newCall", "call-21"), "from": "anonymous"}
    assert (await as_json(intake, hidden)).status_code == 200
    ended = await as_json(intake, {**hidden, "event": "hangup", "cause": "noAnswer"})
    assert ended.json() == {
        "call_id": "call-21",
        "status": "recorded",
        "missed": True,
        "callback_id": None,
    }
    assert len(await open_callbacks(intake)) == 1


async def test_only_the_pbx_may_post_call_events_and_only_the_desk_reads_them(
    intake: httpx.AsyncClient,
) -> None:
    body = cti("newCall", "call-30")
    assert (await intake.post("/v1/calls/events", data=body)).status_code == 401
    wrong = {"Authorization": "Bearer not-a-token"}
    assert (await form(intake, body, headers=wrong)).status_code == 401
    assert (await form(intake, body, headers=OPERATOR)).status_code == 403
    # A connector that can only be given a URL carries the token in it, as Zammad's does.
    jwt = PBX["Authorization"].removeprefix("Bearer ")
    by_url = await intake.post(f"/v1/calls/events?token={jwt}", data=body)
    assert by_url.status_code == 200, by_url.text
    assert (await intake.get("/v1/calls", headers=PBX)).status_code == 403
    assert (await intake.get("/v1/calls/callbacks", headers=token("head:X"))).status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"event": "ring"}, "event", "事件（event）应为 newCall、answer 或 hangup"),
        ({"direction": "sideways"}, "direction", "呼叫方向（direction）应为 in"),
        ({"from": "call me"}, "from", "主叫号码（from）应为电话号码"),
        ({"from": "0" * 39}, "from", "主叫号码（from）"),  # longer than any number (was a 500)
        ({"callId": ""}, "callId", "呼叫编号（callId）不能为空"),
        ({"event": "hangup", "cause": "bored"}, "cause", "挂断原因（cause）应为 normalClearing"),
    ],
)
async def test_bad_events_are_chinese_422s_naming_the_field(
    intake: httpx.AsyncClient, change: dict[str, Any], field: str, says: str
) -> None:
    for post in (form, as_json):
        answer = await post(intake, {**cti("newCall", "call-40"), **change})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field
        assert says in answer.json()["detail"][0]["reason"]
    broken = await intake.post(
        "/v1/calls/events",
        content=b"{not json",
        headers={**PBX, "content-type": "application/json"},
    )
    assert (broken.status_code, broken.json()["field"]) == (422, "body")
    missing = await as_json(intake, {k: v for k, v in cti("newCall", "c").items() if k != "to"})
    assert missing.json()["detail"][0]["reason"].startswith("被叫号码（to）缺少此字段")
    task = await miss(intake, "call-41")
    bad = await intake.post(
        f"/v1/calls/callbacks/{task}/attempts", json={"reached": "也许"}, headers=OPERATOR
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "reached")
    assert "是否联系上（reached）应为 true 或 false" in bad.json()["detail"][0]["reason"]
