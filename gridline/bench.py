"""``gridline bench``: the whole embedded system under a burst of 12345 orders.

Measures what an operator cares about — how fast intake accepts orders, how long until each is
dispatched to a person, and how much memory each service holds — and prints a Markdown table to
paste into ``docs/benchmarks.md``. It starts its own system on free ports in a scratch folder.
"""

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from gridline.broker import free_port
from gridline.launcher import LaunchPlan, RunningSystem, start
from shared.auth import issue_token
from shared.clock import LOCAL_TZ
from shared.paths import EXAMPLES_DIR
from shared.settings import DEV_TOKEN_SECRET

COMMUNITIES = ("水城花园", "柳园小区", "东昌首府", "古楼社区", "开发区花园", "东城花园")
DEPARTMENTS = (
    "METER_READING",
    "USER_MAINTENANCE",
    "WATER_QUALITY",
    "DISPATCH",
    "BILLING",
    "INSPECTION",
)
CATEGORIES = ("城市管理-供水-漏水", "城市管理-供水-水压低", "城市管理-供水-水量异常", "供水-咨询")


def sample_order(i: int, now: datetime) -> dict[str, Any]:
    """The i-th of a burst of unrelated 12345 orders, accepted just now: distinct callers in
    different communities (not one burst main, which intake would rightly cluster into a single
    incident), with the platform's deadline a day ahead, so no clock fires during a run."""
    template: dict[str, Any] = json.loads((EXAMPLES_DIR / "12345_order.json").read_text("utf-8"))
    local = now.astimezone(LOCAL_TZ)
    return {
        **template,
        "orderNo": f"BENCH-{now:%H%M%S}-{i:07d}",
        "acceptTime": local.strftime("%Y-%m-%d %H:%M:%S"),
        "deadline": (local + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "callerPhone": f"139{i:08d}",
        "address": f"聊城市东昌府区{COMMUNITIES[i % len(COMMUNITIES)]}{i % 30 + 1}号楼",
        "category": CATEGORIES[i % len(CATEGORIES)],
    }


@dataclass
class BenchResult:
    orders: int
    concurrency: int
    accept_seconds: float
    accept_p50_ms: float
    accept_p99_ms: float
    all_dispatched_seconds: float
    rss_mb: dict[str, float]

    def markdown(self) -> str:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in self.rss_mb.items())
        return "\n".join(
            [
                "| measure | value |",
                "|---|---|",
                f"| orders posted (concurrency) | {self.orders} ({self.concurrency}) |",
                f"| intake accept rate | {self.orders / self.accept_seconds:.0f} orders/s |",
                f"| accept latency p50 / p99 | {self.accept_p50_ms:.1f} ms"
                f" / {self.accept_p99_ms:.1f} ms |",
                f"| first POST → last order dispatched | {self.all_dispatched_seconds:.1f} s |",
                f"| end-to-end dispatch rate | {self.orders / self.all_dispatched_seconds:.0f}"
                " orders/s |",
                f"| resident memory after the run (MB) | {rss} |",
            ]
        )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _drive(
    running: RunningSystem,
    ports: dict[str, int],
    orders: int,
    concurrency: int,
    progress: Callable[[int], None],
) -> BenchResult:
    template: dict[str, Any] = json.loads((EXAMPLES_DIR / "12345_order.json").read_text("utf-8"))
    now = datetime.now(UTC)

    def bearer(role: str) -> dict[str, str]:
        token = issue_token(DEV_TOKEN_SECRET, role, "bench", now, timedelta(hours=2))
        return {"Authorization": f"Bearer {token}"}

    auth, admin = bearer("operator"), bearer("admin")
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    intake = f"http://127.0.0.1:{ports['intake']}"
    router = f"http://127.0.0.1:{ports['router']}"

    async with httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=concurrency)
    ) as http:

        async def post(i: int) -> None:
            # Distinct callers in different communities: a burst of unrelated orders, not one
            # burst main (which intake would rightly cluster into a single incident).
            body = {
                **template,
                "orderNo": f"BENCH-{i:07d}",
                "callerPhone": f"139{i:08d}",
                "address": f"聊城市东昌府区{COMMUNITIES[i % len(COMMUNITIES)]}{i % 30 + 1}号楼",
                "category": CATEGORIES[i % len(CATEGORIES)],
            }
            async with gate:
                t0 = time.perf_counter()
                reply = await http.post(f"{intake}/v1/orders/12345", json=body, headers=auth)
                latencies.append(time.perf_counter() - t0)
            reply.raise_for_status()
            progress(1)

        started = time.perf_counter()
        await asyncio.gather(*(post(i) for i in range(orders)))
        accepted = time.perf_counter() - started

        async def routed() -> int:
            total = 0
            for department in DEPARTMENTS:
                page = await http.get(
                    f"{router}/v1/inbox",
                    params={"department": department, "limit": 1},
                    headers=admin,
                )
                page.raise_for_status()
                total += int(page.json()["total"])
            return total

        while await routed() < orders:  # noqa: ASYNC110 - polling another process over HTTP
            await asyncio.sleep(0.2)
        dispatched = time.perf_counter() - started

    latencies.sort()
    return BenchResult(
        orders=orders,
        concurrency=concurrency,
        accept_seconds=accepted,
        accept_p50_ms=statistics.median(latencies) * 1000,
        accept_p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        all_dispatched_seconds=dispatched,
        rss_mb={name: _rss_mb(p.pid) for name, p in running.processes.items()},
    )


def run(
    orders: int, concurrency: int, say: Callable[[str], None], progress: Callable[[int], None]
) -> BenchResult:
    ports = {name: free_port() for name in ("intake", "router", "sla", "scoring")}
    with tempfile.TemporaryDirectory(prefix="gridline-bench-") as scratch:
        plan = LaunchPlan(
            host="127.0.0.1",
            broker_port=free_port(),
            ports=ports,
            var_dir=Path(scratch),
            extra_env={"GRIDLINE_LOG_JSON": "true"},
        )
        running = start(plan, say)
        try:
            return asyncio.run(_drive(running, ports, orders, concurrency, progress))
        finally:
            running.stop()
