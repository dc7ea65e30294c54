"""Killing the router mid-message loses nothing and dispatches nothing twice."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from gridline.broker import free_port
from shared.contracts import OrderReceived
from shared.failpoints import CRASH_EXIT_CODE
from shared.topics import ensure_topics
from tests.support.builders import order_received
from tests.support.kafka import events_of, produce
from tests.support.polling import eventually
from tests.support.system import Environment

pytestmark = pytest.mark.integration


def _router(env_vars: dict[str, str]) -> subprocess.Popen[bytes]:
    import os

    return subprocess.Popen(
        [sys.executable, "-m", "gridline", "serve", "router"],
        env={**os.environ, **env_vars},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _received(order_id: str) -> OrderReceived:
    return order_received(order_id, datetime.now(UTC))


@pytest.mark.parametrize("crash_at", ["before_commit", "after_commit"])
async def test_router_killed_between_receiving_and_dispatching_dispatches_exactly_once_after_restart(  # noqa: E501
    environment: Environment, crash_at: str
) -> None:
    # Routed on a weekday's day shift whatever the hour the test runs at (A post on duty).
    settings = await environment.settings(
        "router", port=free_port(), clock_start="2026-11-27T10:00:00+08:00"
    )
    await ensure_topics(environment.bootstrap, environment.topics.specs(3))
    event = _received("GL-CRASH-1")
    await produce(
        environment.bootstrap,
        environment.topics.orders,
        event.model_dump_json().encode(),
        key=event.order_id.encode(),
    )

    crashing = _router(environment.env({**settings, "failpoints": f"router.dispatch.{crash_at}"}))
    code = await asyncio.to_thread(crashing.wait, 60)
    assert code == CRASH_EXIT_CODE, "the router should have died at the failpoint"

    restarted = _router(environment.env(settings))
    try:

        async def dispatched() -> list[dict[str, object]]:
            found = await events_of(
                environment.bootstrap, environment.topics.orders, event.order_id, "OrderDispatched"
            )
            assert found
            return found

        await eventually(dispatched, within=60)
        restarted.terminate()
        await asyncio.to_thread(restarted.wait, 30)
        found = await events_of(
            environment.bootstrap, environment.topics.orders, event.order_id, "OrderDispatched"
        )
        assert len(found) == 1
        assert found[0]["payload"]["assignee_id"] == "W-0301"
    finally:
        if restarted.poll() is None:
            restarted.kill()
