"""``gridline console bench``: the inbox page's server time with many open orders
(docs/benchmarks.md). Starts its own system on free ports in a scratch folder."""

import asyncio
import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer

app = typer.Typer(help="控制台 console: the web console's own commands.", no_args_is_help=True)

COMMUNITIES = ("水城花园", "柳园小区", "东昌首府", "古楼社区", "开发区花园", "东城花园")


async def _fill(intake: str, token: str, orders: int) -> None:
    """Open orders for 用户维修处: distinct callers and houses, a category no incident groups."""
    now = datetime.now(UTC)
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(timeout=30) as http:

        async def post(i: int) -> None:
            body = {
                "ticket_id": f"BENCH-{i:06d}",
                "received_at": (now - timedelta(minutes=i % 600)).isoformat(),
                "operator_id": "bench",
                "customer": {"name": f"用户{i}", "phone": f"139{i:08d}"},
                "address": {
                    "community": COMMUNITIES[i % len(COMMUNITIES)],
                    "building": str(i % 40 + 1),
                    "room": str(100 + i % 600),
                },
                "type": "水表井盖损坏",
                "description": "井盖破损",
            }
            async with gate:
                reply = await http.post(
                    f"{intake}/v1/orders/96568",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
            reply.raise_for_status()

        await asyncio.gather(*(post(i) for i in range(orders)))


async def _busiest(router: str, admin: str, orders: int) -> tuple[str, int]:
    """Waits until every order is routed; the person holding most of them, and how many."""
    async with httpx.AsyncClient(timeout=60) as http:
        headers = {"Authorization": f"Bearer {admin}"}
        params: dict[str, str | int] = {"department": "USER_MAINTENANCE", "limit": 1000}
        while True:
            page = (await http.get(f"{router}/v1/inbox", params=params, headers=headers)).json()
            if int(page["total"]) >= orders:
                held = Counter(i["assignee_id"] for i in page["items"])
                return held.most_common(1)[0]
            await asyncio.sleep(0.5)


async def _inbox_timings(console: str, username: str, rounds: int) -> tuple[int, list[float]]:
    """Signs in as ``username`` and loads 我的工单 ``rounds`` times (after three to warm up);
    returns how many orders the page lists and each load's time."""
    async with httpx.AsyncClient(base_url=console, timeout=60) as http:
        login = await http.get("/login")
        token = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed = await http.post(
            "/login", data={"username": username, "password": "gridline-demo", "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text
        timings = []
        for i in range(rounds + 3):
            t0 = time.perf_counter()
            page = await http.get("/inbox")
            page.raise_for_status()
            if i >= 3:
                timings.append(time.perf_counter() - t0)
        return page.text.count('class="order-link"'), timings


def _row(who: str, listed: int, timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return (
        f"| {who}: {listed} orders listed | {statistics.median(timings) * 1000:.0f} ms"
        f" / {p95 * 1000:.0f} ms / {timings[-1] * 1000:.0f} ms |"
    )


@app.command()
def bench(
    orders: Annotated[int, typer.Option(min=1, help="Open orders in the department")] = 500,
    rounds: Annotated[int, typer.Option(min=1, help="Timed loads of the inbox")] = 30,
) -> None:
    """Measures the head's inbox page (every open order of the department, joined with the
    SLA's deadlines and intake's callers) as the console serves it. Not a test."""
    from gridline.broker import free_port
    from gridline.launcher import LaunchPlan, start
    from shared.auth import issue_token
    from shared.settings import DEV_TOKEN_SECRET

    ports = {name: free_port() for name in ("intake", "router", "sla", "scoring", "console")}
    now = datetime.now(UTC)
    operator = issue_token(DEV_TOKEN_SECRET, "operator", "bench", now, timedelta(hours=2))
    admin = issue_token(DEV_TOKEN_SECRET, "admin", "bench", now, timedelta(hours=2))
    with tempfile.TemporaryDirectory(prefix="gridline-console-bench-") as scratch:
        plan = LaunchPlan("127.0.0.1", free_port(), ports, Path(scratch))
        running = start(plan, say=lambda line: typer.echo(line, err=True))
        try:
            url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            asyncio.run(_fill(url["intake"], operator, orders))
            person, _ = asyncio.run(_busiest(url["router"], admin, orders))
            head = asyncio.run(_inbox_timings(url["console"], "p-0200", rounds))
            worker = asyncio.run(_inbox_timings(url["console"], person.lower(), rounds))
            load = os.getloadavg()
        finally:
            running.stop()
    typer.echo(
        f"{orders} open orders in 用户维修处; load average {load[0]:.1f} on {os.cpu_count()} CPUs"
    )
    typer.echo("| 我的工单 page, loaded by | p50 / p95 / max |\n|---|---|")
    typer.echo(_row("head 钱主任 (the whole department)", *head))
    typer.echo(_row(f"{person}, who holds most of them (own orders)", *worker))
