"""Fault suite: an outbox row the broker refuses for good is parked with its reason, and the
events behind it on other orders go out; `gridline outbox parked|retry` show and requeue it.

The forced permanent failure is a 2 MB event: larger than Kafka accepts by default (1 MB), so the
producer refuses it for good however often it is tried.
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from typer.testing import CliRunner

from gridline.commands import outbox as outbox_commands
from services.intake.store import OutboxRow
from shared.runtime import ServiceRuntime
from tests.integration.test_faults_database import post_orders
from tests.support.kafka import read_json
from tests.support.polling import eventually
from tests.support.system import Environment, run_system

# Hundreds of orders through a cut database, broker or gateway: one at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.xdist_group("faults")]

FOLLOWING = 100


def parkings() -> float:
    # The services of this test run in this process: their metrics are this registry's.
    return REGISTRY.get_sample_value("gridline_outbox_parkings_total") or 0.0


async def test_a_row_the_broker_refuses_for_good_is_parked_and_the_next_100_events_go_out(
    environment: Environment,
) -> None:
    async with run_system(environment, only=("intake",)) as system:
        runtime: ServiceRuntime = system.apps["intake"].state.runtime
        now = datetime.now(UTC)
        before = parkings()
        async with runtime.db.transaction() as session:
            session.add(
                OutboxRow(
                    event_id=str(uuid.uuid4()),
                    topic=environment.topics.orders,
                    key="GL-HUGE-1",
                    event_type="ProgressNoted",
                    body='{"note": "' + "很" * 700_000 + '"}',
                    created_at=now,
                )
            )
        orders = await post_orders(system.intake, range(FOLLOWING), now)

        async def the_rest_went_out() -> None:
            events = await read_json(environment.bootstrap, environment.topics.orders)
            received = Counter(e["order_id"] for e in events if e.get("type") == "OrderReceived")
            assert set(received) == set(orders)

        await eventually(the_rest_went_out, within=120, every=1)

        database_url = runtime.db.url
        runner = CliRunner()
        listed = await asyncio.to_thread(
            runner.invoke,
            outbox_commands.app,
            ["parked", "intake", "--database-url", database_url],
        )
        assert listed.exit_code == 0, listed.output
        assert "GL-HUGE-1" in listed.output and "MessageSizeTooLargeError" in listed.output
        assert parkings() == before + 1
        assert (REGISTRY.get_sample_value("gridline_outbox_parked") or 0) >= 1

        retried = await asyncio.to_thread(
            runner.invoke,
            outbox_commands.app,
            ["retry", "intake", "--all", "--database-url", database_url],
        )
        assert retried.exit_code == 0, retried.output
        assert "1 row(s) back in line" in retried.output

        async def parked_again() -> None:
            # Still too large: the relay tries it once more and parks it again.
            assert parkings() == before + 2

        await eventually(parked_again, within=60)
