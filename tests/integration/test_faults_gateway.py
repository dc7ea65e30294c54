"""A hung 12345 gateway never stops the hotline (issue 22): the gateway accepts connections and
never answers while replies are owed, and every new order is still accepted at once; when the
gateway answers again, each reply goes out.

Before replies were sent outside any transaction, one acceptance waited 92 s here: the reply
round held SQLite's one writer through three tries of ten seconds per row."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from fastapi import FastAPI, Request, Response

from gridline.broker import free_port
from shared.paths import CONFIG_DIR
from tests.integration.test_intake_incidents import resolved
from tests.integration.test_intake_sources import OPERATOR, example, running_intake
from tests.support.kafka import produce
from tests.support.polling import eventually
from tests.support.system import Environment

# Hundreds of orders through a cut database, broker or gateway: one at a time (xdist_group).
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("faults")]

# The gateway holds each reply request far longer than any acceptance may wait: an acceptance
# that depended on the gateway (a writer held through a reply round) could not finish inside
# ACCEPT_WITHIN while the gateway is still holding a request. No speed is asserted.
HANG_SECONDS = 120
ACCEPT_WITHIN = 45
OWED = 3  # replies owed while the gateway hangs
NEW_ORDERS = 15


@dataclass
class HungGateway:
    url: str
    answering: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0
    in_flight: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)


@asynccontextmanager
async def hung_gateway() -> AsyncIterator[HungGateway]:
    """Accepts every connection and reads every request; answers none until ``answering``."""
    platform = FastAPI()
    port = free_port()
    gateway = HungGateway(f"http://127.0.0.1:{port}/reply")

    @platform.post("/reply")
    async def reply(request: Request) -> Response:
        body = await request.json()
        gateway.waiting += 1
        gateway.in_flight += 1
        try:
            await gateway.answering.wait()
        finally:
            gateway.in_flight -= 1
        gateway.received.append(body)
        return Response(status_code=200)

    server = uvicorn.Server(
        uvicorn.Config(platform, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    task = asyncio.create_task(server.serve())

    async def started() -> None:
        assert server.started

    await eventually(started, within=10, every=0.05)
    try:
        yield gateway
    finally:
        gateway.answering.set()
        server.should_exit = True
        await task


def quick_rules(folder: Path) -> Path:
    """intake.yaml with a short durable backoff, so a reply tried again is seen within the test."""
    rules = yaml.safe_load((CONFIG_DIR / "intake.yaml").read_text(encoding="utf-8"))
    rules["replies"] = {**rules["replies"], "quick_wait_seconds": 0.05, "backoff_seconds": 1}
    path = folder / "intake.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


def order(i: int) -> dict[str, Any]:
    return {
        **example("12345_order.json"),
        "orderNo": f"LC12345-HUNG-{i:03d}",
        "callerPhone": f"1390635{i:04d}",
    }


async def test_a_hung_12345_gateway_never_slows_an_acceptance_and_replies_go_out_after(
    environment: Environment, tmp_path: Path
) -> None:
    async with (
        hung_gateway() as gateway,
        running_intake(
            environment,
            tmp_path,
            reply_12345_url=gateway.url,
            reply_timeout_seconds=HANG_SECONDS,  # the gateway stays hung for the whole test
            reply_poll_seconds=0.1,
            rules_file=quick_rules(tmp_path),
        ) as intake,
    ):
        owed = []
        for i in range(OWED):
            created = await intake.http.post("/v1/orders/12345", json=order(i), headers=OPERATOR)
            assert created.status_code == 201, created.text
            owed.append(created.json()["order_id"])
        for order_id in owed:
            await produce(
                environment.bootstrap,
                environment.topics.orders,
                resolved(order_id),
                order_id.encode(),
            )

        async def replies_hang() -> None:
            assert gateway.in_flight >= 1

        await eventually(replies_hang, within=30)

        for i in range(OWED, OWED + NEW_ORDERS):
            created = await asyncio.wait_for(
                intake.http.post("/v1/orders/12345", json=order(i), headers=OPERATOR),
                ACCEPT_WITHIN,
            )
            assert created.status_code == 201, created.text
        # every acceptance finished while a reply request was still held open, unanswered
        assert gateway.in_flight >= 1
        assert gateway.received == []

        gateway.answering.set()

        async def every_reply_out() -> None:
            sent = {e["order_id"] for e in await intake.events("ReplySent")}
            assert sent == set(owed)

        await eventually(every_reply_out, within=30)
        assert sorted(r["orderNo"] for r in gateway.received) == [
            f"LC12345-HUNG-{i:03d}" for i in range(OWED)
        ]
