"""Notify on the real broker and real databases, with local HTTP stand-ins for 企业微信 and the
SMS provider (tests/support/providers.py): who hears of what, once, and what happens when a
person cannot be reached."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import func, select

from services.notify.app import create_app
from services.notify.config import NotifySettings
from services.notify.handlers import EVENTS
from services.notify.store import InboxRow
from shared.clock import LOCAL_TZ, ManualClock, StartedClock
from shared.contracts import Address, OrderReceived
from shared.db import Database
from shared.unit_of_work import event_type_names
from tests.support.builders import order_received
from tests.support.kafka import events_of, produce, read_json
from tests.support.polling import eventually
from tests.support.providers import running_providers
from tests.support.system import Environment, run_system, serve, token

pytestmark = pytest.mark.integration

T = TypeVar("T")

# A weekday's day shift: W-0301 (A post of UM-DC-03) is at work, W-0302 is its B post.
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
OPS = token("ops", "P-0410")
UM_HEAD = token("head:USER_MAINTENANCE", "P-0200")
MR_HEAD = token("head:METER_READING", "P-0100")
FAST_RETRIES = {"retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "delivery_poll_seconds": 0.05}


def received(order_id: str, **changes: Any) -> OrderReceived:
    address = Address(text="水城花园5号楼2单元", community="水城花园")
    return order_received(order_id, WEDNESDAY_10, **{"address": address, **changes})


async def send(env: Environment, order_id: str, body: bytes) -> None:
    await produce(env.bootstrap, env.topics.orders, body, key=order_id.encode())


@asynccontextmanager
async def running_notify(env: Environment, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Notify's clock starts at the router's and runs on: retries wait their backoff for real."""
    settings = NotifySettings(**(await env.settings("notify")), **{**FAST_RETRIES, **overrides})
    app = create_app(settings, StartedClock(WEDNESDAY_10))
    async with serve(app) as client:
        client.app_db = app.state.runtime.db  # type: ignore[attr-defined]
        yield client


def only(items: list[T]) -> T:
    assert len(items) == 1, items
    return items[0]


async def caught_up(env: Environment, notify: httpx.AsyncClient) -> None:
    """Notify has taken every event on the log of a type it handles (each distinct event once,
    by its inbox); the other types it drops unread."""
    handled = event_type_names(EVENTS)
    ids = {
        e.get("event_id")
        for e in await read_json(env.bootstrap, env.topics.orders)
        if e.get("type") in handled
    }
    db: Database = notify.app_db  # type: ignore[attr-defined]
    async with db.transaction() as session:
        claimed = await session.scalar(select(func.count()).select_from(InboxRow))
    assert claimed == len(ids), (claimed, len(ids))


async def test_a_dispatch_reaches_a_once_by_wecom_with_the_address_and_a_signed_link(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        running_providers() as providers,
        run_system(environment, clocks={"router": clock}, only=("router",)),
        running_notify(environment, **providers.settings()) as notify,
    ):
        order = received("GL-N-1")
        await send(environment, order.order_id, order.model_dump_json().encode())

        async def told() -> dict[str, Any]:
            return only(providers.wecom_to("w0301"))

        card = (await eventually(told))["textcard"]
        assert "水城花园5号楼2单元" in card["description"]
        assert "漏水" in card["description"]
        assert "12月02日 10:30 前签收" in card["description"]  # Beijing time, the ack deadline
        opened = await notify.get(card["url"].removeprefix("http://127.0.0.1:8105"))
        assert opened.status_code == 200, opened.text
        assert (opened.json()["order_id"], opened.json()["person_id"]) == ("GL-N-1", "W-0301")
        forged = await notify.get("/l/" + card["url"].rsplit("/", 1)[1][:-2] + "xx")
        assert forged.status_code == 404

        # The dispatch event delivered again (as after a consumer restart): nothing is sent twice.
        (dispatch,) = await events_of(
            environment.bootstrap, environment.topics.orders, "GL-N-1", "OrderDispatched"
        )
        import json

        await send(environment, "GL-N-1", json.dumps(dispatch).encode())
        await eventually(lambda: caught_up(environment, notify))
        assert len(providers.wecom_to("w0301")) == 1
        assert len(providers.wecom_attempts) == 1

        shown = (await notify.get("/v1/orders/GL-N-1/notifications", headers=OPS)).json()
        assert [(d["person_id"], d["channel"], d["state"]) for d in shown] == [
            ("W-0301", "wecom_app", "sent")
        ]


async def test_a_provider_failing_twice_then_accepting_delivers_one_message(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        running_providers() as providers,
        run_system(environment, clocks={"router": clock}, only=("router",)),
        running_notify(environment, **providers.settings()) as notify,
    ):
        busy = {"errcode": -1, "errmsg": "system busy"}
        providers.script = [(500, busy), (500, busy)]
        order = received("GL-N-2")
        await send(environment, order.order_id, order.model_dump_json().encode())

        async def delivered() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = (
                await notify.get("/v1/orders/GL-N-2/notifications", headers=OPS)
            ).json()
            assert [d["state"] for d in found] == ["sent"]
            return found

        (shown,) = await eventually(delivered)
        assert shown["attempts"] == 3

        async def announced() -> list[dict[str, Any]]:
            found = [
                e
                for e in await read_json(environment.bootstrap, environment.topics.activity)
                if e.get("type") == "MessageRecorded" and e["payload"]["order_id"] == "GL-N-2"
            ]
            assert found, "notify has not announced the message yet"
            return found

        # One announcement for the message sent, none for the two failed attempts (issue 19:
        # the holder's open 消息 reads itself on it); whose, which order, which kind, no text.
        (message,) = await eventually(announced)
        assert message["worker_id"] == "W-0301"
        assert message["payload"] == {
            "delivery_key": message["payload"]["delivery_key"],
            "order_id": "GL-N-2",
            "notice": "dispatched",
            "channel": "wecom_app",
        }
        assert len(providers.wecom_attempts) == 3
        assert len(providers.wecom_to("w0301")) == 1
        failed = await events_of(
            environment.bootstrap, environment.topics.orders, "GL-N-2", "NotificationFailed"
        )
        assert failed == []


async def test_an_unreachable_a_post_moves_the_order_to_b_and_the_head_sees_a_candidate(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        running_providers() as providers,
        run_system(
            environment, clocks={"router": clock, "scoring": clock}, only=("router", "scoring")
        ) as system,
        running_notify(environment, **providers.settings()),
    ):
        providers.unknown_users = {"w0301"}  # not in the corp's address book: permanent
        order = received("GL-N-3")
        await send(environment, order.order_id, order.model_dump_json().encode())

        async def failed() -> dict[str, Any]:
            return only(
                await events_of(
                    environment.bootstrap, environment.topics.orders, "GL-N-3", "NotificationFailed"
                )
            )

        payload = (await eventually(failed))["payload"]
        assert (payload["person_id"], payload["assignment_id"]) == ("W-0301", 1)
        assert payload["attempts"] == 1  # a permanent error is not retried
        assert "81013" in payload["reason"]

        async def moved_to_b() -> dict[str, Any]:
            found = await events_of(
                environment.bootstrap, environment.topics.orders, "GL-N-3", "OrderDispatched"
            )
            assert len(found) == 2
            return dict(found[1]["payload"])

        second = await eventually(moved_to_b)
        assert (second["assignee_id"], second["chain_position"]) == ("W-0302", "B")
        assert second["reason"] == "notification_failed"
        assert second["skipped"][0]["reason"].startswith("通知失败")
        # The clock never moved: B was asked before A's acknowledgement deadline passed.
        assert clock.now() < datetime.fromisoformat(second["ack_due"])
        await eventually(lambda: _one(providers.wecom_to("w0302")))

        async def candidate() -> dict[str, Any]:
            listed = await system.scoring.get("/v1/candidates", headers=UM_HEAD)
            return dict(only(listed.json()))

        proposed = await eventually(candidate)
        assert (proposed["rule"], proposed["worker_id"], proposed["state"]) == (
            "COMM_UNREACHABLE",
            "W-0301",
            "pending",
        )
        assert proposed["source_ref"] == "GL-N-3"
        # Another department's head does not see it; nothing is deducted until confirmed.
        assert (await system.scoring.get("/v1/candidates", headers=MR_HEAD)).json() == []
        ledger = await system.scoring.get("/v1/workers/W-0301/ledger", headers=UM_HEAD)
        assert ledger.json()["entries"] == []

        confirmed = await system.scoring.post(
            f"/v1/candidates/{proposed['candidate_id']}/confirm",
            json={"note": "电话无人接听，已核实"},
            headers=UM_HEAD,
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["state"] == "confirmed"
        again = await system.scoring.post(
            f"/v1/candidates/{proposed['candidate_id']}/dismiss",
            json={"reason": "重复"},
            headers=UM_HEAD,
        )
        assert again.status_code == 409
        entries = (await system.scoring.get("/v1/workers/W-0301/ledger", headers=UM_HEAD)).json()[
            "entries"
        ]
        assert [(e["rule"], e["points"]) for e in entries] == [("COMM_UNREACHABLE", -3)]


async def _one(messages: list[dict[str, Any]]) -> None:
    only(messages)


async def test_a_major_event_reaches_the_head_at_once_by_wecom_and_sms(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        running_providers() as providers,
        run_system(environment, clocks={"router": clock}, only=("router",)),
        running_notify(environment, **providers.settings()) as notify,
    ):
        order = received("GL-N-4", content="路口主管道爆管，大量冒水")
        await send(environment, order.order_id, order.model_dump_json().encode())

        async def head_told() -> None:
            card = only(providers.wecom_to("p0200"))
            assert "重大事项" in card["textcard"]["title"]
            sms = only([s for s in providers.sms_messages if s["PhoneNumbers"] == "13806350200"])
            assert sms["TemplateCode"] == "SMS_GL_MAJOR"

        await eventually(head_told)
        (dispatch,) = await events_of(
            environment.bootstrap, environment.topics.orders, "GL-N-4", "OrderDispatched"
        )
        ack_due = datetime.fromisoformat(dispatch["payload"]["ack_due"])
        shown = (await notify.get("/v1/orders/GL-N-4/notifications", headers=OPS)).json()
        to_head = [d for d in shown if d["person_id"] == "P-0200"]
        assert {d["channel"] for d in to_head} == {"wecom_app", "sms"}
        # Sent before anyone's acknowledgement deadline: nobody waited for it to pass.
        assert all(datetime.fromisoformat(d["sent_at"]) < ack_due for d in to_head)
        assert clock.now() < ack_due


async def test_without_credentials_the_local_receiver_records_what_would_have_been_sent(
    environment: Environment,
) -> None:
    clock = ManualClock(WEDNESDAY_10)
    async with (
        run_system(environment, clocks={"router": clock}, only=("router",)),
        running_notify(environment) as notify,
    ):
        order = received("GL-N-5", priority="urgent")
        await send(environment, order.order_id, order.model_dump_json().encode())

        async def recorded() -> list[dict[str, Any]]:
            page = (await notify.get("/v1/messages?order_id=GL-N-5", headers=OPS)).json()
            assert page["total"] == 2
            return list(page["items"])

        items = await eventually(recorded)
        by_channel = {i["channel"]: i for i in items}
        assert set(by_channel) == {"wecom_app", "sms"}  # urgent: WeCom and SMS, by the rules
        assert by_channel["sms"]["target"] == "138****0301"  # masked
        assert by_channel["wecom_app"]["person_name"] == "褚建国"
        assert "水城花园5号楼2单元" in by_channel["wecom_app"]["text"]
        assert (await notify.get("/v1/messages")).status_code == 401


def alertmanager_body(status: str, severity: str, fingerprint: str) -> dict[str, Any]:
    """Alertmanager's webhook JSON (version 4), as its webhook_config sends it."""
    alert = {
        "status": status,
        "labels": {"alertname": "GridlineDeadlinePollerBehind", "severity": severity},
        "annotations": {"summary": "时限轮询落后：有已到期未触发的时限"},
        "startsAt": "2026-12-02T02:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph",
        "fingerprint": fingerprint,
    }
    return {
        "version": "4",
        "groupKey": '{}:{alertname="GridlineDeadlinePollerBehind"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "gridline-notify",
        "groupLabels": {"alertname": "GridlineDeadlinePollerBehind"},
        "commonLabels": alert["labels"],
        "commonAnnotations": alert["annotations"],
        "externalURL": "http://alertmanager:9093",
        "alerts": [alert],
    }


async def test_an_alertmanager_alert_reaches_the_ops_group_once_and_ops_phones_when_critical(
    environment: Environment,
) -> None:
    async with (
        running_providers() as providers,
        running_notify(environment, **providers.settings()) as notify,
    ):
        firing = alertmanager_body("firing", "critical", "a1b2c3")
        first = await notify.post("/v1/alerts", json=firing, headers=OPS)
        assert first.json() == {"accepted": 1, "messages": 3}  # the group robot, two phones
        # Alertmanager repeats a group until it resolves: the same alert plans nothing new.
        again = await notify.post("/v1/alerts", json=firing, headers=OPS)
        assert again.json() == {"accepted": 1, "messages": 0}
        resolved = await notify.post(
            "/v1/alerts", json=alertmanager_body("resolved", "critical", "a1b2c3"), headers=OPS
        )
        assert resolved.json() == {"accepted": 1, "messages": 0}

        async def told() -> None:
            robot = only(providers.robot_messages)
            assert "GridlineDeadlinePollerBehind" in robot["text"]["content"]
            assert sorted(s["PhoneNumbers"] for s in providers.sms_messages) == [
                "13806350410",
                "13806350411",
            ]

        await eventually(told)
        refused = await notify.post("/v1/alerts", json=firing, headers=UM_HEAD)
        assert refused.status_code == 403
        bad = await notify.post("/v1/alerts", json={"alerts": []}, headers=OPS)
        assert (bad.status_code, bad.json()["field"]) == (422, "alerts")
