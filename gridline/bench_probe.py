"""What ``gridline bench`` reads from outside the services: CPU seconds and memory from
``/proc``, counters from each service's ``/metrics``, dispatches from the log, and the raw
broker's own cost per message on the same machine."""

import asyncio
import json
import os
import re
import time
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from gridline.broker import EmbeddedBroker, free_port
from gridline.services import SERVICES

TICK = os.sysconf("SC_CLK_TCK")
COUNTERS = {
    "commits": "gridline_db_commits_total",
    "consumed": "gridline_events_consumed_total",
    "published": "gridline_outbox_published_total",
    "offset_commits": "gridline_offset_commits_total",
    "skipped": "gridline_events_skipped_total",
    "partitions": "gridline_consumer_assigned_partitions",  # a gauge: read, not differenced
}


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (robust to noisy neighbours: it counts only our work)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def counters(http: httpx.AsyncClient, base: str) -> dict[str, float]:
    text = (await http.get(f"{base}/metrics")).text
    out: dict[str, float] = {}
    for key, name in COUNTERS.items():
        total = 0.0
        for match in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, flags=re.M):
            if key == "consumed" and 'outcome="dead_lettered"' in match.group(0):
                continue
            total += float(match.group(1))
        out[key] = total
    return out


class DispatchWatch:
    """Reads ``gridline.orders`` as an outside observer and notes when each order's first
    ``OrderDispatched`` arrives."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.seen: dict[str, float] = {}
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=5,
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    if b'"OrderDispatched"' not in record.value:
                        continue
                    order_id = json.loads(record.value)["order_id"]
                    self.seen.setdefault(order_id, now)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        self._task = None
        await self._consumer.stop()


async def raw_broker_cpu_per_message(
    messages: int = 20_000, size: int = 600, *, one_at_a_time: bool = False
) -> float:
    """Seconds of the broker's CPU per message produced (acks=all) and consumed once, on a
    broker of its own with nothing else on it: all produced in the producer's batches, then
    read; or ``one_at_a_time``, Gridline's traffic shape — each produced on its own and waited
    for (a relay round of one row), read meanwhile by a consumer fetching at 20 ms as
    Gridline's do under traffic."""
    broker = EmbeddedBroker(free_port())
    await asyncio.to_thread(broker.start)
    try:
        assert broker.pid is not None
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=2)
        await producer.start()
        consumer = AIOKafkaConsumer(
            "raw.bench",
            bootstrap_servers=broker.bootstrap,
            group_id="raw",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=20 if one_at_a_time else 500,
        )
        await producer.send_and_wait("raw.bench", b"warm-up")
        await consumer.start()
        before = cpu_seconds(broker.pid)
        payload = b"x" * size
        keys = [str(i % 97).encode() for i in range(messages)]
        if one_at_a_time:
            reader = asyncio.create_task(_read(consumer, messages))
            for key in keys:
                await producer.send_and_wait("raw.bench", payload, key=key)
            await reader
        else:
            await asyncio.gather(*[await producer.send("raw.bench", payload, key=k) for k in keys])
            await _read(consumer, messages)
        used = cpu_seconds(broker.pid) - before
        await consumer.stop()
        await producer.stop()
        return used / messages
    finally:
        await asyncio.to_thread(broker.stop)


async def _read(consumer: AIOKafkaConsumer, messages: int) -> None:
    """Until ``messages`` have come, committing what each poll brought."""
    got = 0
    while got < messages:
        batches = await consumer.getmany(timeout_ms=1000, max_records=1000)
        got += sum(len(r) for r in batches.values())
        if batches:
            await consumer.commit()


async def postgres_template(admin_url: str, create: bool) -> str:
    """Creates (or only drops) one throwaway database per service beside ``admin_url``."""
    plain = admin_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(plain)
    try:
        for name in SERVICES:  # every process the bench starts has its own database
            await conn.execute(f'DROP DATABASE IF EXISTS "gl_bench_{name}" WITH (FORCE)')
            if create:
                await conn.execute(f'CREATE DATABASE "gl_bench_{name}"')
    finally:
        await conn.close()
    return admin_url.rsplit("/", 1)[0] + "/gl_bench_{service}"
