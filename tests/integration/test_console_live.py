"""Live pages through the real broker (issue 19 item 6): the console's own reader hears the order
log, and ``GET /events`` pushes to a signed-in worker's open 我的工单 the dispatch made to them,
carrying no personal data; the stream refuses the signed-out and the wrong role, and ends when
the session ends. Served on a real port: a stream never ends, and the in-process transport would
wait for the whole body."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
import pytest

from shared.clock import LOCAL_TZ
from shared.topics import ensure_topics
from tests.support.builders import order_dispatched
from tests.support.console import csrf_of, listening, running_console, sign_in
from tests.support.kafka import produce
from tests.support.system import Environment

pytestmark = pytest.mark.integration

AT = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
ORDER = "GL-20261202-PUSH"
BOUND = 30.0  # a bound against hanging, not a measure: the 2 s is the browser test's


async def next_event(lines: AsyncIterator[str]) -> tuple[str, dict[str, str]]:
    """The next named event of the stream (comments and retry lines skipped)."""
    name, data = "", ""
    async for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "" and name:
            return name, json.loads(data or "{}")
    raise AssertionError("the stream ended")


async def event_named(lines: AsyncIterator[str], wanted: str) -> dict[str, str]:
    async def find() -> dict[str, str]:
        while True:
            name, data = await next_event(lines)
            if name == wanted:
                return data

    return await asyncio.wait_for(find(), BOUND)


@asynccontextmanager
async def live_console(environment: Environment) -> AsyncIterator[str]:
    await ensure_topics(environment.bootstrap, environment.topics.specs(3))
    async with running_console(environment, {}) as console:
        settings = console.app.state.context.settings
        settings.live_heartbeat_seconds = 0.3  # the session is checked at each heartbeat
        async with listening(console.app) as base:
            yield base


async def test_a_dispatch_is_pushed_to_its_worker_and_the_stream_ends_with_the_session(
    environment: Environment,
) -> None:
    async with (
        live_console(environment) as base,
        httpx.AsyncClient(base_url=base, timeout=BOUND) as worker,
    ):
        await sign_in(worker, "w-0301")
        async with worker.stream("GET", "/events", params={"page": "inbox"}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            await event_named(lines, "ready")
            event = order_dispatched(ORDER, AT, assignee="W-0301")
            await produce(
                environment.bootstrap,
                environment.topics.orders,
                event.model_dump_json().encode(),
                key=ORDER.encode(),
            )
            said = await event_named(lines, "change")
            assert said == {"type": "OrderDispatched", "order_id": ORDER}
            # Signed out elsewhere (another tab): the open stream ends at its next heartbeat.
            other_tab = httpx.AsyncClient(base_url=base, cookies=worker.cookies)
            async with other_tab:
                form = {"csrf_token": await csrf_of(other_tab)}
                await other_tab.post("/logout", data=form)
            assert await event_named(lines, "end") == {"reason": "signed_out"}


async def test_the_stream_refuses_the_signed_out_and_a_role_not_its_pages(
    environment: Environment,
) -> None:
    async with (
        live_console(environment) as base,
        httpx.AsyncClient(base_url=base, timeout=BOUND) as client,
    ):
        signed_out = await client.get("/events", params={"page": "inbox"})
        assert signed_out.status_code == 303
        assert signed_out.headers["location"] == "/login"
        await sign_in(client, "operator")
        refused = await client.get("/events", params={"page": "inbox"})
        assert refused.status_code == 403
        assert "无权" in refused.text
        await sign_in(client, "w-0301")
        assert (await client.get("/events", params={"page": "duty"})).status_code == 403
        assert (await client.get("/events", params={"page": "order"})).status_code == 403
