"""How many open deadlines the poller holds, and how late it fires them (``gridline sla bench``).

A fresh database gets ``size`` open deadlines: most due weeks ahead (the load the index must
carry), ``due`` of them spread over a window starting a few seconds from now. The real poller
(``jobs.fire_due``, the service's code and batch size) then runs on the real clock as the service
does; lateness is each fired row's ``fired_at − due_at``."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import func, insert, select

from services.sla.domain.numbers import percentiles
from services.sla.jobs import fire_due
from services.sla.store import FIRED, OPEN, DeadlineRow, OutboxRow
from shared.clock import SystemClock
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import Outbox
from shared.topics import Topics
from shared.unit_of_work import UnitsOfWork

MIGRATIONS = Path(__file__).parents[1] / "migrations"
CHUNK = 10_000
LEAD = timedelta(seconds=5)


@dataclass(frozen=True)
class BenchResult:
    backend: str
    open_deadlines: int
    insert_seconds: float
    idle_poll_ms: float
    fired: int
    lateness_p50_ms: float | None
    lateness_p99_ms: float | None
    lateness_max_ms: float | None
    still_open: int


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def create_postgres_database(
    admin_url: str,
) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A throwaway database beside ``admin_url``'s; returns its URL and an async dropper."""
    name = f"gl_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(_plain(admin_url), timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

    async def drop() -> None:
        c = await asyncpg.connect(_plain(admin_url))
        try:
            await c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await c.close()

    return f"{admin_url.rpartition('/')[0]}/{name}", drop


def _row(due: datetime, i: int, now: datetime) -> dict[str, object]:
    return {
        "order_id": f"B-{i}",
        "kind": "resolve",
        "purpose": "card",
        "clock": "24h",
        "due_at": due,
        "next_at": due,
        "warned": False,
        "paused_seconds": 0,
        "explained": False,
        "state": OPEN,
        "created_at": now,
    }


@dataclass
class Prepared:
    db: Database
    size: int
    first_due: datetime
    insert_seconds: float


async def prepare(
    url: str,
    size: int,
    due: int,
    window_seconds: float,
    on_inserted: Callable[[int], None] = lambda n: None,
) -> Prepared:
    """A fresh schema holding ``size`` open deadlines, ``due`` of them in the coming window."""
    db = Database(url)
    await db.start()
    await upgrade(db, MIGRATIONS)
    now = datetime.now(UTC)
    far = size - due
    first_due: datetime | None = None
    started = time.perf_counter()
    for offset in range(0, size, CHUNK):
        rows = []
        for i in range(offset, min(offset + CHUNK, size)):
            if i < far:  # weeks ahead: held, not fired
                when = now + timedelta(days=1) + timedelta(seconds=(i * 2_500_000) / size)
            else:
                # The due ones go in last, timed from then: a slow insert cannot make them late.
                first_due = first_due or datetime.now(UTC) + LEAD
                j = i - far
                when = first_due + timedelta(seconds=window_seconds * j / max(due, 1))
            rows.append(_row(when, i, now))
        async with db.transaction() as session:
            await session.execute(insert(DeadlineRow), rows)
        on_inserted(len(rows))
    first_due = first_due or datetime.now(UTC) + LEAD
    return Prepared(db, size, first_due, time.perf_counter() - started)


async def measure(
    prepared: Prepared,
    window_seconds: float,
    poll_seconds: float,
    batch: int,
    on_fired: Callable[[int], None] = lambda n: None,
) -> BenchResult:
    """Runs the service's poller loop on the real clock through the window; then reads back
    how late each deadline fired."""
    db = prepared.db
    try:
        clock = SystemClock()
        units = UnitsOfWork(db, Outbox(OutboxRow, clock, Topics.named("bench")), clock)
        if datetime.now(UTC) >= prepared.first_due:
            raise RuntimeError("inserting took longer than the lead: lateness would be wrong")
        idle = []
        for _ in range(5):  # nothing due yet: the cost of one look at the index
            t = time.perf_counter()
            await fire_due(units, prepared.first_due - timedelta(seconds=1), batch)
            idle.append(time.perf_counter() - t)
        end = prepared.first_due + timedelta(seconds=window_seconds + 2 * poll_seconds + 1)
        while datetime.now(UTC) < end:
            fired = await fire_due(units, datetime.now(UTC), batch)
            on_fired(fired)
            if fired == 0:
                await asyncio.sleep(poll_seconds)

        async with db.transaction() as session:
            pairs = (
                await session.execute(
                    select(DeadlineRow.due_at, DeadlineRow.fired_at).where(
                        DeadlineRow.state == FIRED
                    )
                )
            ).all()
            still_open = await session.scalar(
                select(func.count()).select_from(DeadlineRow).where(DeadlineRow.state == OPEN)
            )
        late = [max((f - d).total_seconds() * 1000, 0.0) for d, f in pairs if f is not None]
        stats = percentiles(late, (50, 99))
        return BenchResult(
            backend="postgresql" if db.is_postgres else "sqlite",
            open_deadlines=prepared.size,
            insert_seconds=round(prepared.insert_seconds, 1),
            idle_poll_ms=round(sorted(idle)[len(idle) // 2] * 1000, 2),
            fired=len(late),
            lateness_p50_ms=stats["p50"],
            lateness_p99_ms=stats["p99"],
            lateness_max_ms=round(max(late), 1) if late else None,
            still_open=int(still_open or 0),
        )
    finally:
        await db.stop()
