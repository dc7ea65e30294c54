"""Fault suite: the router's database refuses work for 30 s while 300 orders arrive.

A database outage is not the messages' fault: the consumer stops where it is, says so (not ready,
a stalled-partition metric), retries for as long as it takes and dead-letters nothing. Once the
database answers, every order is dispatched, each once.

How the refusal is made (``tests/support/outages.py``): PostgreSQL behind a TCP proxy that is
cut (open connections dropped, new ones refused); SQLite with its write lock held by another
connection and a short busy timeout (every write fails with ``database is locked``).
"""

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from gridline.bench import sample_order
from tests.support.kafka import read_json
from tests.support.outages import DatabaseOutage
from tests.support.polling import eventually
from tests.support.system import Environment, run_system, token

# Hundreds of orders through a cut database, broker or gateway: one at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.xdist_group("faults")]

ORDERS = 300
REFUSAL_SECONDS = 30
OPERATOR = token("operator")


async def post_orders(intake: httpx.AsyncClient, numbers: range, now: datetime) -> list[str]:
    gate = asyncio.Semaphore(8)

    async def post(i: int) -> str:
        async with gate:
            reply = await intake.post(
                "/v1/orders/12345", json=sample_order(i, now), headers=OPERATOR
            )
        assert reply.status_code == 201, reply.text
        return str(reply.json()["order_id"])

    return list(await asyncio.gather(*(post(i) for i in numbers)))


async def dispatches(env: Environment) -> Counter[str]:
    """Distinct dispatch events per order. The relay may publish an event twice (the broker took
    it, then marking it sent failed on the refused database): the same event, which consumers'
    inboxes absorb. Two dispatch *events* for one order would be two effects."""
    events = await read_json(env.bootstrap, env.topics.orders)
    dispatched = {
        (e["order_id"], e["event_id"]) for e in events if e.get("type") == "OrderDispatched"
    }
    return Counter(order_id for order_id, _ in dispatched)


async def test_thirty_seconds_of_database_refusal_during_300_orders_dead_letter_nothing(
    environment: Environment,
) -> None:
    outage = DatabaseOutage(await environment.databases.url("router"))
    overrides = {"router": {**await outage.prepare(), "fault_backoff_max_seconds": 2.0}}
    now = datetime.now(UTC)
    async with run_system(environment, only=("intake", "router"), overrides=overrides) as system:
        orders = await post_orders(system.intake, range(0, 100), now)
        await outage.begin()
        refused_at = time.monotonic()
        try:
            orders += await post_orders(system.intake, range(100, ORDERS), now)

            async def router_says_it_is_not_ready() -> None:
                ready = await system.router.get("/readyz")
                assert ready.status_code == 503, ready.text
                assert "consumer:dispatch" in ready.json()["faults"]
                metrics = (await system.router.get("/metrics")).text
                assert 'gridline_consumer_stalled_partitions{consumer="dispatch"} 0.0' not in (
                    metrics
                )

            await eventually(router_says_it_is_not_ready, within=REFUSAL_SECONDS)
            # The outage lasts its length whatever the service does meanwhile.
            await asyncio.sleep(max(0.0, REFUSAL_SECONDS - (time.monotonic() - refused_at)))
            assert await read_json(environment.bootstrap, environment.topics.dlq) == []
        finally:
            await outage.end()

        async def all_dispatched_once() -> Counter[str]:
            found = await dispatches(environment)
            assert len(found) == ORDERS, f"{len(found)} of {ORDERS} dispatched"
            return found

        found = await eventually(all_dispatched_once, within=180, every=2)
        assert set(found) == set(orders)
        assert set(found.values()) == {1}, "an order dispatched twice (two dispatch events)"
        assert await read_json(environment.bootstrap, environment.topics.dlq) == []

        async def ready_again() -> None:
            assert (await system.router.get("/readyz")).status_code == 200

        await eventually(ready_again)
    await outage.close()
