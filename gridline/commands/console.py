"""``gridline console bench``: the inbox page's server time with many open orders
(docs/benchmarks.md). Starts its own system on free ports in a scratch folder."""

import asyncio
import statistics
import tempfile
import time
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


async def _measure(console: str, router: str, admin: str, orders: int, rounds: int) -> list[float]:
    async with httpx.AsyncClient(base_url=console, timeout=60) as http:
        headers = {"Authorization": f"Bearer {admin}"}
        params: dict[str, str | int] = {"department": "USER_MAINTENANCE", "limit": 1}
        while True:
            page = await http.get(f"{router}/v1/inbox", params=params, headers=headers)
            if int(page.json()["total"]) >= orders:
                break
            await asyncio.sleep(0.5)
        login = await http.get("/login")
        token = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed = await http.post(
            "/login", data={"username": "p-0200", "password": "gridline-demo", "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text
        timings = []
        for i in range(rounds + 3):
            t0 = time.perf_counter()
            page = await http.get("/inbox")
            page.raise_for_status()
            if i >= 3:  # the first loads warm the connections and caches
                timings.append(time.perf_counter() - t0)
        assert page.text.count('class="order-link"') >= orders, "not every order listed"
        return timings


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
            timings = asyncio.run(_measure(url["console"], url["router"], admin, orders, rounds))
        finally:
            running.stop()
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    typer.echo("| measure | value |\n|---|---|")
    typer.echo(f"| open orders in the inbox | {orders} |")
    typer.echo(
        f"| inbox page p50 / p95 / max | {statistics.median(timings) * 1000:.0f} ms"
        f" / {p95 * 1000:.0f} ms / {timings[-1] * 1000:.0f} ms |"
    )
