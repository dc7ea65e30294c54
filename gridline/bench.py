"""``gridline bench``: the whole system (embedded broker, four services) under 12345 orders.

One run measures, per backend (SQLite files, or PostgreSQL databases it creates and drops):

- CPU ms per order per process (utime + stime from ``/proc``: only our own work counts, so the
  figure holds on a machine shared with others), database commits, messages and offset commits
  per order (the services' own counters), over a burst of ``orders`` at ``concurrency``;
- sustained end-to-end orders/s of that burst (first POST to last order dispatched);
- received → dispatched of one order sent into the quiet system (consumers on their idle fetch
  wait), then p50/p99 received → dispatched and intake's accept p50/p99 at a fixed open-loop
  rate right behind it;
- the whole system's idle CPU over ``idle`` seconds, per process, and each process's resident
  memory;
- the raw broker's CPU per message on the same machine, and Gridline's CPU per consumed message
  divided by it.

It prints a Markdown table for ``docs/benchmarks.md``. Sample orders are accepted "now" with the
platform's deadline a day ahead, so no SLA clock fires during a run.
"""

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from gridline.bench_probe import (
    DispatchWatch,
    counters,
    cpu_seconds,
    postgres_template,
    raw_broker_cpu_per_message,
    rss_mb,
)
from gridline.bench_result import (
    QUIET_SECONDS,
    REPLICATED,
    SERVICE_NAMES,
    BenchResult,
    is_service,
    percentile_ms,
)
from gridline.broker import free_port
from gridline.launcher import LaunchError, LaunchPlan, RunningSystem, service_of, start
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
# Categories outside intake's area groups (config/intake.yaml): a leak or low pressure in the
# same community within 30 minutes is rightly one incident, dispatched once; a burst of unrelated
# orders must be orders each dispatched on its own.
CATEGORIES = (
    "城市管理-供水-水量异常",
    "供水-咨询",
    "城市管理-供水-水表自转",
    "城市管理-供水-复核表数",
)


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


class _Driver:
    def __init__(self, running: RunningSystem, ports: dict[str, int], http: httpx.AsyncClient):
        self.running = running
        self.ports = ports
        self.http = http
        now = datetime.now(UTC)
        token = issue_token(DEV_TOKEN_SECRET, "operator", "bench", now, timedelta(hours=2))
        self.auth = {"Authorization": f"Bearer {token}"}
        self.watch = DispatchWatch(running.broker.bootstrap, "gridline.orders")
        self.sent: dict[str, float] = {}
        self.next = 0

    def pids(self) -> dict[str, int]:
        pids = {name: p.pid for name, p in self.running.processes.items()}
        pids["broker"] = self.running.broker.pid or 0
        return pids

    def cpu(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) for name, pid in self.pids().items()}

    async def each(self) -> dict[str, dict[str, float]]:
        """Each service process's counters (replicas apart)."""
        return {
            name: await counters(self.http, f"http://127.0.0.1:{port}")
            for name, port in self.ports.items()
            if is_service(name)
        }

    async def counters(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for got in (await self.each()).values():
            for key, value in got.items():
                total[key] = total.get(key, 0.0) + value
        return total

    async def post(self) -> float:
        i = self.next
        self.next += 1
        started = time.perf_counter()
        reply = await self.http.post(
            f"http://127.0.0.1:{self.ports['intake']}/v1/orders/12345",
            json=sample_order(i, datetime.now(UTC)),
            headers=self.auth,
        )
        reply.raise_for_status()
        self.sent[reply.json()["order_id"]] = started
        return time.perf_counter() - started

    async def dispatched(self, how_many: int) -> None:
        deadline = time.monotonic() + 600
        while sum(1 for o in self.sent if o in self.watch.seen) < how_many:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(self.watch.seen)} of {how_many} dispatched")
            await asyncio.sleep(0.05)

    async def quiet(self) -> None:
        """Until every service stopped consuming: sla and scoring finish after dispatch."""
        last = await self.counters()
        while True:
            await asyncio.sleep(1.5)
            now = await self.counters()
            if now["consumed"] == last["consumed"] and now["published"] == last["published"]:
                return
            last = now


async def _measure(
    running: RunningSystem,
    ports: dict[str, int],
    result: BenchResult,
    rate_seconds: float,
    idle: float,
    progress: Callable[[int], None],
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        d = _Driver(running, ports, http)
        await d.watch.start()
        try:
            for _ in range(10):  # warm-up: connections, caches, consumer groups settled
                await d.post()
            await d.dispatched(len(d.sent))
            await d.quiet()
            cpu0, c0, each0 = d.cpu(), await d.counters(), await d.each()
            gate = asyncio.Semaphore(result.concurrency)
            started = time.perf_counter()

            async def one() -> None:
                async with gate:
                    await d.post()
                progress(1)

            await asyncio.gather(*(one() for _ in range(result.orders)))
            await d.dispatched(len(d.sent))
            result.sustained = result.orders / (max(d.watch.seen.values()) - started)
            await d.quiet()
            cpu1, c1 = d.cpu(), await d.counters()
            result.cpu_ms = {k: (cpu1[k] - cpu0[k]) * 1000 / result.orders for k in cpu1}
            # Partitions held is a gauge, read per replica below, not a count per order.
            result.per_order = {k: (c1[k] - c0[k]) / result.orders for k in c1 if k != "partitions"}
            result.shares = _shares(each0, await d.each(), result.orders)

            await _latencies(d, result, rate_seconds)
            await d.quiet()
            await d.watch.stop()  # the bench's own reader must not count as the system's load
            idle0 = d.cpu()
            await asyncio.sleep(idle)
            idle1 = d.cpu()
            result.idle_by = {k: (idle1[k] - idle0[k]) / idle for k in idle1}
            result.idle_vcpu = sum(result.idle_by.values())
            result.rss = {name: rss_mb(pid) for name, pid in d.pids().items()}
        finally:
            await d.watch.stop()
    result.raw_us = await raw_broker_cpu_per_message() * 1e6
    shaped = await raw_broker_cpu_per_message(2_000, one_at_a_time=True)
    result.raw_one_us = shaped * 1e6


async def _latencies(d: _Driver, result: BenchResult, rate_seconds: float) -> None:
    """One order into the quiet system (consumers on their longest idle fetch wait by then),
    then the open loop right behind it: the steady rate's figures are not the wake-up's."""
    await asyncio.sleep(QUIET_SECONDS)
    before = set(d.sent)
    await d.post()
    await d.dispatched(len(d.sent))
    (woken,) = (o for o in d.sent if o not in before)
    result.after_quiet_ms = (d.watch.seen[woken] - d.sent[woken]) * 1000
    before = set(d.sent)
    t0 = time.perf_counter()
    tasks = []
    for i in range(int(result.rate * rate_seconds)):  # open loop: on schedule
        await asyncio.sleep(max(0.0, t0 + i / result.rate - time.perf_counter()))
        tasks.append(asyncio.create_task(d.post()))
    accepts = list(await asyncio.gather(*tasks))
    await d.dispatched(len(d.sent))
    waits = [d.watch.seen[o] - t for o, t in d.sent.items() if o not in before]
    result.latency_ms = (percentile_ms(waits, 0.5), percentile_ms(waits, 0.99))
    result.accept_ms = (percentile_ms(accepts, 0.5), percentile_ms(accepts, 0.99))


def _shares(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], orders: int
) -> dict[str, tuple[float, float]]:
    return {
        name: (got["partitions"], (got["consumed"] - before[name]["consumed"]) / orders)
        for name, got in after.items()
        if service_of(name) in REPLICATED
    }


def _preload(url: str, open_deadlines: int, say: Callable[[str], None]) -> int:
    """The SLA database holds ``open_deadlines`` before the system starts: weeks of open
    orders, opened through the service's own handlers (issue 25: its cost must not grow)."""
    from services.sla.bench.preload import preload_database
    from services.sla.config import SlaSettings, load_deps

    say(f"preloading {open_deadlines:,} open deadlines into the SLA database")
    deps = load_deps(SlaSettings())
    held = asyncio.run(preload_database(url, open_deadlines, deps, lambda n: None))
    say(f"the SLA database holds {held:,} open deadlines")
    return held


def run(
    orders: int,
    concurrency: int,
    say: Callable[[str], None],
    progress: Callable[[int], None],
    *,
    postgres: str = "",
    rate: float = 20.0,
    rate_seconds: float = 10.0,
    idle: float = 30.0,
    replicas: int = 1,
    open_deadlines: int = 0,
) -> BenchResult:
    if replicas > 1 and not postgres:
        # A SQLite file has one writer: replicas would queue on it, not share the work.
        raise LaunchError("--replicas needs --postgres: replicas share a PostgreSQL database")
    ports = {name: free_port() for name in SERVICE_NAMES}
    for name in REPLICATED:
        ports.update({f"{name}#{n}": free_port() for n in range(2, replicas + 1)})
    result = BenchResult(
        "postgresql" if postgres else "sqlite", orders, concurrency, rate=rate, replicas=replicas
    )
    template = asyncio.run(postgres_template(postgres, True)) if postgres else ""
    try:
        with tempfile.TemporaryDirectory(prefix="gridline-bench-") as scratch:
            plan = LaunchPlan(
                host="127.0.0.1",
                broker_port=free_port(),
                ports=ports,
                var_dir=Path(scratch),
                database_url_template=template,
                extra_env={"GRIDLINE_LOG_JSON": "true"},
            )
            if open_deadlines:
                url = template.format(service="sla") or f"sqlite+aiosqlite:///{scratch}/sla.db"
                result.open_deadlines = _preload(url, open_deadlines, say)
            running = start(plan, say)
            try:
                asyncio.run(_measure(running, ports, result, rate_seconds, idle, progress))
            finally:
                running.stop()
    finally:
        if postgres:
            asyncio.run(postgres_template(postgres, False))
    return result
