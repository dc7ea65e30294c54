"""CPU per order at several numbers of open deadlines held (``gridline sla cost``).

A fresh database per size is preloaded (``preload``) with that many open deadlines; then the
same orders live their whole life through the service's handlers, each event in its own unit of
work with the outbox, as the consumer runs them. The figure is this process's CPU seconds
(utime + stime: another process's load does not count) per order, with SQLAlchemy's statements
per order beside it and, on a local PostgreSQL, the server processes' CPU per order too."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from services.sla.bench.poller import MIGRATIONS
from services.sla.bench.preload import full_life, preload
from services.sla.config import SlaDeps
from services.sla.handlers import EVENTS
from services.sla.store import OutboxRow
from shared.clock import SystemClock
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import Outbox
from shared.topics import Topics
from shared.unit_of_work import UnitsOfWork

WARM_UP = 50  # statement caches filled before the count starts


@dataclass(frozen=True)
class CostLine:
    backend: str
    open_deadlines: int
    orders: int
    cpu_ms: float
    statements: float
    server_cpu_ms: float | None


@contextmanager
def counting_statements(db: Database) -> Iterator[list[int]]:
    """A one-item list that counts the statements ``db`` executes inside the block."""
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # a server in another namespace or machine: not ours to read
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, clock ticks


async def _server_cpu(db: Database) -> float | None:
    """CPU seconds of the PostgreSQL processes serving this database (None on SQLite)."""
    if not db.is_postgres:
        return None
    async with db.transaction() as session:
        pids = (
            await session.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
        ).scalars()
        times = [_process_cpu(int(pid)) for pid in pids]
    return None if any(t is None for t in times) else sum(t or 0.0 for t in times)


async def _live(units: UnitsOfWork, deps: SlaDeps, order_id: str, now: datetime) -> None:
    for one in full_life(order_id, now):
        async with units.begin() as uow:
            uow.emit(await EVENTS[type(one)](one, uow, deps))


async def cost_at(
    url: str,
    open_deadlines: int,
    orders: int,
    deps: SlaDeps,
    on_loaded: Callable[[int], None] = lambda n: None,
) -> CostLine:
    db = Database(url)
    await db.start()
    try:
        await upgrade(db, MIGRATIONS)
        now = datetime.now(UTC)
        held = await preload(db, open_deadlines, deps, now, on_loaded=on_loaded)
        clock = SystemClock()
        units = UnitsOfWork(db, Outbox(OutboxRow, clock, Topics.named("bench")), clock)
        for i in range(WARM_UP):
            await _live(units, deps, f"WARM-{i:06d}", now)
        server = await _server_cpu(db)
        with counting_statements(db) as statements:
            started = time.process_time()
            for i in range(orders):
                await _live(units, deps, f"COST-{i:06d}", now)
            cpu = time.process_time() - started
        server_after = await _server_cpu(db)
        return CostLine(
            backend="postgresql" if db.is_postgres else "sqlite",
            open_deadlines=held,
            orders=orders,
            cpu_ms=round(cpu * 1000 / orders, 3),
            statements=round(statements[0] / orders, 2),
            server_cpu_ms=(
                round((server_after - server) * 1000 / orders, 3)
                if server is not None and server_after is not None
                else None
            ),
        )
    finally:
        await db.stop()
