"""Fault suite: the embedded broker killed during 300 orders, then restarted by `gridline up`'s
supervision. It comes back empty (memory storage); the services notice, give it the log back from
their outboxes, rejoin from the start, and their inboxes absorb the repeats. No service is
restarted by hand; every order ends dispatched, on its timeline, with its acknowledge clock, and
scoring counts as many dispatches as the router made.

The whole system runs as `gridline up` runs it: one process per service, the real broker, SQLite
files or PostgreSQL databases.
"""

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gridline.bench import sample_order
from gridline.broker import free_port
from gridline.launcher import LaunchPlan, RunningSystem, start, watch
from shared.clock import LOCAL_TZ
from tests.support.databases import DatabaseFactory
from tests.support.polling import eventually
from tests.support.system import token

# Hundreds of orders through a cut database, broker or gateway: one at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.xdist_group("faults")]

ORDERS = 300
OPERATOR = token("operator")
SERVICES = ("intake", "router", "sla", "scoring")


async def query(url: str, sql: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql))).all())
    finally:
        await engine.dispose()


async def post_orders(http: httpx.AsyncClient, intake: str, numbers: range) -> list[str]:
    gate = asyncio.Semaphore(8)
    now = datetime.now(UTC)

    async def post(i: int) -> str:
        async with gate:
            reply = await http.post(
                f"{intake}/v1/orders/12345", json=sample_order(i, now), headers=OPERATOR
            )
        assert reply.status_code == 201, reply.text
        return str(reply.json()["order_id"])

    return list(await asyncio.gather(*(post(i) for i in numbers)))


def launch(plan: LaunchPlan) -> RunningSystem:
    return start(plan, say=lambda _line: None)


async def test_the_broker_killed_and_restarted_during_300_orders_loses_nothing(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    ports = {name: free_port() for name in SERVICES}
    template = await databases.url_template(list(SERVICES))
    plan = LaunchPlan(
        host="127.0.0.1",
        broker_port=free_port(),
        ports=ports,
        var_dir=tmp_path / "var",
        database_url_template=template,
        extra_env={
            "GRIDLINE_LOG_JSON": "true",
            "GRIDLINE_KAFKA_SESSION_TIMEOUT_MS": "3000",
            "GRIDLINE_BROKER_CHECK_SECONDS": "5",
            "GRIDLINE_FAULT_BACKOFF_MAX_SECONDS": "2",
        },
    )
    running = await asyncio.to_thread(launch, plan)
    pids = {name: proc.pid for name, proc in running.processes.items()}
    stop = threading.Event()
    supervisor = threading.Thread(target=watch, args=(running,), kwargs={"stop": stop})
    intake = f"http://127.0.0.1:{ports['intake']}"
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            orders = await post_orders(http, intake, range(0, 100))
            # The broker dies; for the next 100 orders it stays away (intake keeps answering:
            # each order is committed with its outbox row), then supervision restarts it.
            running.broker.kill()
            orders += await post_orders(http, intake, range(100, 200))
            supervisor.start()

            async def broker_back() -> None:
                assert running.broker.alive()

            await eventually(broker_back, within=30)
            orders += await post_orders(http, intake, range(200, ORDERS))
            await _everything_arrived(http, intake, orders, template)
        assert {name: proc.pid for name, proc in running.processes.items()} == pids
        assert all(proc.poll() is None for proc in running.processes.values())
    finally:
        stop.set()
        if supervisor.is_alive():
            await asyncio.to_thread(supervisor.join, 10)
        await asyncio.to_thread(running.stop)


async def _everything_arrived(
    http: httpx.AsyncClient, intake: str, orders: list[str], template: str
) -> None:
    month = datetime.now(LOCAL_TZ).strftime("%Y-%m")

    async def all_counted() -> None:
        (made,) = await query(template.format(service="router"), "SELECT count(*) FROM assignments")
        counted = await query(
            template.format(service="scoring"),
            "SELECT coalesce(sum(count), 0) FROM activity_counts "
            f"WHERE counter = 'orders_dispatched' AND month = '{month}'",
        )
        assert made[0] >= ORDERS, f"the router made {made[0]} assignments"
        assert counted[0][0] == made[0], f"scoring counted {counted[0][0]} of {made[0]}"

    await eventually(all_counted, within=240, every=2)

    async def clocks_present() -> None:
        rows = await query(
            template.format(service="sla"),
            "SELECT DISTINCT order_id FROM deadlines WHERE kind = 'acknowledge'",
        )
        missing = set(orders) - {r[0] for r in rows}
        assert not missing, f"{len(missing)} orders without an acknowledge clock"

    await eventually(clocks_present, within=60, every=2)

    async def timelines_complete() -> None:
        incomplete = []
        for order_id in orders:
            view = (await http.get(f"{intake}/v1/orders/{order_id}", headers=OPERATOR)).json()
            types = [e["type"] for e in view["timeline"]]
            if "OrderReceived" not in types or "OrderDispatched" not in types:
                incomplete.append(order_id)
        assert not incomplete, f"{len(incomplete)} timelines without their dispatch"

    await eventually(timelines_complete, within=60, every=2)
