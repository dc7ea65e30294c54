"""One burst main, fifty callers on three channels: one incident, one major event, and each
caller answered from their own order's resolution (the router resolves an incident's linked
orders with it: tests/integration/test_incident_storm.py). A reply waits out a failing city
platform."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

from gridline.broker import free_port
from shared.contracts import OrderResolved, OrderResolvedPayload
from shared.masking import has_unmasked_mobile
from tests.integration.test_intake_sources import GRID_WORKER, OPERATOR, example, running_intake
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment

pytestmark = pytest.mark.integration

START = datetime(2026, 11, 27, 9, 0)  # Beijing time, as the sources send it


def call(i: int) -> tuple[str, dict[str, Any]]:
    """The i-th call about the burst main under 水城花园, on channel i % 3."""
    at = START + timedelta(seconds=20 * i)
    phone = f"1390635{i:04d}"
    if i % 3 == 0:
        return "/v1/orders/12345", {
            **example("12345_order.json"),
            "orderNo": f"LC12345-BURST-{i:03d}",
            "acceptTime": at.isoformat(sep=" "),
            "callerPhone": phone,
            "address": f"聊城市东昌府区柳园街道水城花园{i % 9 + 1}号楼1单元",
            "content": "楼下马路上大量冒水，家里没水了",
        }
    if i % 3 == 1:
        return "/v1/orders/96568", {
            **{k: v for k, v in example("96568_call.json").items() if k != "account_no"},
            "ticket_id": f"96568-BURST-{i:03d}",
            "received_at": at.isoformat() + "+08:00",
            "customer": {"name": f"用户{i}", "phone": phone},
            "type": "停水",
            "description": "突然停水",
            "appointment": None,
        }
    return "/v1/grid-reports", {
        **example("grid_report.json"),
        "report_id": f"burst-{i:03d}",
        "kind": "facility",
        "finding": "供水设施损坏",
        "note": "主路爆管，正在大量跑水",
        "reported_at": at.isoformat() + "+08:00",
    }


def resolved(order_id: str, cascaded_from: str | None = None) -> bytes:
    event = OrderResolved(
        order_id=order_id,
        occurred_at=datetime.now(UTC),
        producer="router",
        payload=OrderResolvedPayload(
            by="W-0301",
            department="USER_MAINTENANCE",
            contacted_at=datetime.now(UTC),
            handling_notes="抢修更换DN300主管",
            public_reply="水城花园爆管已修复，供水已恢复",
            cascaded_from=cascaded_from,
        ),
    )
    return event.model_dump_json().encode()


async def test_fifty_calls_about_one_burst_main_are_one_incident_and_one_major_event(
    environment: Environment, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    async with running_intake(environment, tmp_path) as intake:
        accepted = []
        for i in range(50):
            path, body = call(i)
            headers = GRID_WORKER if path == "/v1/grid-reports" else OPERATOR
            reply = await intake.http.post(path, json=body, headers=headers)
            assert reply.status_code == 201, reply.text
            accepted.append(reply.json())
        incident_id = accepted[-1]["incident_id"]
        assert incident_id and all(a["incident_id"] == incident_id for a in accepted[1:])

        incident = (await intake.http.get(f"/v1/incidents/{incident_id}", headers=OPERATOR)).json()
        assert (incident["members"], len(incident["orders"]), incident["major_event"]) == (
            50,
            50,
            True,
        )
        primary = incident["primary_order_id"]
        assert primary == accepted[0]["order_id"]

        async def linked() -> None:
            links = await intake.events("DuplicateLinked")
            majors = await intake.events("MajorEventRaised")
            assert len(links) == 49
            assert {e["payload"]["incident_id"] for e in links} == {incident_id}
            assert {e["payload"]["primary_order_id"] for e in links} == {primary}
            assert len(majors) == 1
            assert majors[0]["order_id"] == primary
            assert majors[0]["payload"]["incident_id"] == incident_id
            # Intake flags the incident; the router tells the heads, once each.
            assert majors[0]["payload"]["notify"] == []
            assert majors[0]["payload"]["department"] == "USER_MAINTENANCE"
            received = await intake.events("OrderReceived")
            arrivals = {e["order_id"]: e["payload"]["incident_id"] for e in received}
            assert arrivals[primary] is None
            assert {arrivals[a["order_id"]] for a in accepted[1:]} == {incident_id}

        await eventually(linked)

        # The primary (12345), then two linked orders (96568, a grid report) as the router
        # resolves them with the incident: each caller is answered from their own order.
        for order_id, cascaded in (
            (primary, None),
            (accepted[1]["order_id"], primary),
            (accepted[2]["order_id"], primary),
        ):
            await produce(
                environment.bootstrap,
                environment.topics.orders,
                resolved(order_id, cascaded),
                order_id.encode(),
            )

        async def answered() -> None:
            sent = await intake.events("ReplySent")
            # The grid worker's report needs no outside reply; nobody else is answered yet.
            assert sorted(e["order_id"] for e in sent) == sorted([primary, accepted[1]["order_id"]])

        await eventually(answered)
        platform = (tmp_path / "replies" / "12345.jsonl").read_text(encoding="utf-8").splitlines()
        callbacks = (tmp_path / "replies" / "callback.jsonl").read_text(encoding="utf-8")
        assert [json.loads(line)["orderNo"] for line in platform] == ["LC12345-BURST-000"]
        assert len(callbacks.splitlines()) == 1
        assert not has_unmasked_mobile(callbacks)

    logs = capfd.readouterr()
    assert not has_unmasked_mobile(logs.out + logs.err)


async def test_look_alikes_arriving_at_once_open_one_incident(
    environment: Environment, tmp_path: Path
) -> None:
    """Concurrent transactions (PostgreSQL's pool runs them side by side) must not each open an
    incident for the same burst: the look-alikes take a lock per community and caller first."""
    async with running_intake(environment, tmp_path) as intake:
        first_path, first = call(0)
        assert (await intake.http.post(first_path, json=first, headers=OPERATOR)).status_code == 201

        async def post(i: int) -> dict[str, Any]:
            path, body = call(i)
            headers = GRID_WORKER if path == "/v1/grid-reports" else OPERATOR
            reply = await intake.http.post(path, json=body, headers=headers)
            assert reply.status_code == 201, reply.text
            result: dict[str, Any] = reply.json()
            return result

        accepted = await asyncio.gather(*(post(i) for i in range(1, 9)))
        incidents = {a["incident_id"] for a in accepted}
        assert len(incidents) == 1 and None not in incidents, incidents
        (incident_id,) = incidents
        incident = (await intake.http.get(f"/v1/incidents/{incident_id}", headers=OPERATOR)).json()
        assert incident["members"] == 9


@asynccontextmanager
async def flaky_platform(failures: int) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A city platform that answers 503 ``failures`` times before it accepts a reply."""
    received: list[dict[str, Any]] = []
    platform = FastAPI()

    @platform.post("/reply")
    async def reply(request: Request) -> Response:
        received.append(await request.json())
        return Response(status_code=503 if len(received) <= failures else 200)

    port = free_port()
    server = uvicorn.Server(
        # log_config=None: uvicorn's own logging setup would replace the process's (masking) one.
        uvicorn.Config(platform, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())

    async def started() -> None:
        assert server.started

    await eventually(started, within=10, every=0.05)
    try:
        yield f"http://127.0.0.1:{port}/reply", received
    finally:
        server.should_exit = True
        await task


async def test_a_reply_reaches_a_platform_that_fails_twice_before_accepting(
    environment: Environment, tmp_path: Path
) -> None:
    async with (
        flaky_platform(failures=2) as (url, received),
        running_intake(environment, tmp_path, reply_12345_url=url) as intake,
    ):
        created = await intake.http.post(
            "/v1/orders/12345", json=example("12345_order.json"), headers=OPERATOR
        )
        order_id = created.json()["order_id"]
        await produce(
            environment.bootstrap, environment.topics.orders, resolved(order_id), order_id.encode()
        )

        async def replied() -> dict[str, Any]:
            sent = await intake.events("ReplySent")
            assert len(sent) == 1
            return sent[0]

        sent = await eventually(replied)
        assert (sent["order_id"], sent["payload"]["attempts"], sent["payload"]["target"]) == (
            order_id,
            3,
            url,
        )
        assert len(received) == 3
        assert received[-1]["orderNo"] == "LC12345-20261127-000123"
        assert received[-1]["replyContent"] == "水城花园爆管已修复，供水已恢复"

        async def in_the_timeline() -> None:
            view = (await intake.http.get(f"/v1/orders/{order_id}", headers=OPERATOR)).json()
            assert view["replies"] == [
                {**view["replies"][0], "channel": "12345", "state": "sent", "attempts": 3}
            ]
            assert view["state"] == "replied"

        await eventually(in_the_timeline)
