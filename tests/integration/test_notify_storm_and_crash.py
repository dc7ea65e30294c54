"""Notify under a storm and a crash: sixty calls about one burst main tell each person once; a
notify killed between sending and recording sends at most one extra message per event."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from gridline.broker import free_port
from services.notify.store import DeliveryRow
from shared.clock import ManualClock
from shared.contracts import OrderDispatched, OrderDispatchedPayload
from shared.failpoints import CRASH_EXIT_CODE
from shared.topics import ensure_topics
from tests.integration.test_intake_incidents import call
from tests.integration.test_intake_sources import GRID_WORKER, OPERATOR, running_intake
from tests.integration.test_notify_flow import (
    OPS,
    WEDNESDAY_10,
    caught_up,
    only,
    received,
    running_notify,
    send,
)
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.providers import running_providers
from tests.support.system import Environment, run_system

# Hundreds of orders at once: one storm at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("storms")]

CALLS = 60


async def test_sixty_calls_about_one_burst_main_tell_each_person_once(
    environment: Environment, tmp_path: Path
) -> None:
    clock = ManualClock(WEDNESDAY_10)  # the router's: a weekday's day shift, A posts at work
    async with (
        running_providers() as providers,
        running_intake(environment, tmp_path) as intake,
        run_system(environment, clocks={"router": clock}, only=("router",)),
        running_notify(environment, **providers.settings()) as notify,
    ):
        for i in range(CALLS):
            path, body = call(i)
            headers = GRID_WORKER if path == "/v1/grid-reports" else OPERATOR
            reply = await intake.http.post(path, json=body, headers=headers)
            assert reply.status_code == 201, reply.text

        async def all_placed() -> list[dict[str, Any]]:
            # The incident is dispatched once; every other call rides on it (OrderLinked) or,
            # split off by rule, is dispatched on its own: each of the sixty is somewhere.
            events = await read_json(environment.bootstrap, environment.topics.orders)
            placed = {
                e["order_id"] for e in events if e["type"] in ("OrderDispatched", "OrderLinked")
            }
            assert len(placed) == CALLS
            return events

        events = await eventually(all_placed, within=90)
        incidents = {e["payload"]["incident_id"] for e in events if e["type"] == "DuplicateLinked"}
        assert len(incidents) == 1, incidents
        assignees = {e["payload"]["assignee_id"] for e in events if e["type"] == "OrderDispatched"}

        async def all_sent() -> None:
            await caught_up(environment, notify)
            async with notify.app_db.transaction() as session:  # type: ignore[attr-defined]
                waiting = await session.scalar(
                    select(func.count())
                    .select_from(DeliveryRow)
                    .where(DeliveryRow.state.in_(("pending", "sending")))
                )
            assert waiting == 0

        await eventually(all_sent, within=90)
        per_user: dict[str, int] = {}
        for message in providers.wecom_messages:
            per_user[message["touser"]] = per_user.get(message["touser"], 0) + 1
        # Each person hears of the incident once per kind of notice: the assignee of the sixty
        # orders one dispatch, each head named by the major events one major-event message.
        assert per_user, "nobody was told"
        assert all(n == 1 for n in per_user.values()), per_user
        assert {f"w{a[2:]}" for a in assignees if a.startswith("W-")} <= set(per_user)
        assert "p0200" in per_user  # 用户维修处's head: the major event
        phones = [s["PhoneNumbers"] for s in providers.sms_messages]
        assert len(phones) == len(set(phones)), phones


def _notify(env_vars: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gridline", "serve", "notify"],
        env={**os.environ, **env_vars},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_notify_killed_between_sending_and_recording_sends_at_most_one_extra_message(
    environment: Environment,
) -> None:
    async with running_providers() as providers:
        port = free_port()
        settings = await environment.settings(
            "notify",
            port=port,
            delivery_lease_seconds=1,
            delivery_poll_seconds=0.1,
            **providers.settings(),
        )
        await ensure_topics(environment.bootstrap, environment.topics.specs(3))
        order = received("GL-N-CRASH")
        dispatch = OrderDispatched(
            order_id=order.order_id,
            occurred_at=WEDNESDAY_10,
            producer="router",
            payload=OrderDispatchedPayload(
                assignment_id=1,
                department="USER_MAINTENANCE",
                team="UM-T1",
                grid="UM-DC-03",
                assignee_id="W-0301",
                chain_position="A",
                ack_due=WEDNESDAY_10.replace(minute=30),
            ),
        )
        for event in (order, dispatch):
            await send(environment, order.order_id, event.model_dump_json().encode())

        crashing = _notify(environment.env({**settings, "failpoints": "notify.deliver.after_send"}))
        code = await asyncio.to_thread(crashing.wait, 60)
        assert code == CRASH_EXIT_CODE, "notify should have died right after sending"
        assert len(providers.wecom_to("w0301")) == 1  # sent, but not recorded as sent

        restarted = _notify(environment.env(settings))
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

                async def recorded() -> dict[str, Any]:
                    try:
                        shown = await http.get(
                            "/v1/orders/GL-N-CRASH/notifications", headers=OPS, timeout=2
                        )
                    except httpx.TransportError as exc:
                        raise AssertionError(f"notify not up yet: {exc!r}") from exc
                    delivery = only(shown.json())
                    assert delivery["state"] == "sent"
                    return dict(delivery)

                delivery = await eventually(recorded, within=60)
        finally:
            restarted.terminate()
            await asyncio.to_thread(restarted.wait, 30)
        # The bound: one crash between sending and recording costs at most one extra message
        # for the event (the claim's lease ran out, so it was sent again), and none is lost.
        sent = providers.wecom_to("w0301")
        assert 1 <= len(sent) <= 2, sent
        assert delivery["attempts"] == len(sent)
