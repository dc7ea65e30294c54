"""A database holding N open deadlines, as weeks of unanswered orders leave it: each order is
received and dispatched through the service's own handlers (the same rows, indexes and values a
real one writes), many orders per transaction. Nothing preloaded falls due for a day."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from services.sla.config import SlaDeps
from services.sla.handlers import EVENTS
from services.sla.store import OPEN, DeadlineRow
from shared.contracts import (
    Address,
    OrderAcknowledged,
    OrderAcknowledgedPayload,
    OrderDispatched,
    OrderDispatchedPayload,
    OrderEvent,
    OrderReceived,
    OrderReceivedPayload,
    OrderResolved,
    OrderResolvedPayload,
)
from shared.contracts.envelopes import envelope
from shared.db import Database
from shared.unit_of_work import UnitOfWork

PER_TRANSACTION = 200
AHEAD = timedelta(days=1)  # the bench's own orders carry the platform's deadline a day ahead


def order_life(order_id: str, now: datetime) -> list[OrderEvent]:
    """A 12345 order received and dispatched at ``now``; its deadlines a day ahead or more."""
    received = envelope(
        OrderReceived,
        order_id,
        OrderReceivedPayload(
            source="12345",
            source_ref=f"ref-{order_id}",
            category="CONSULT",
            category_label="咨询",
            address=Address(text="水城花园5号楼", community="水城花园"),
            received_at=now,
            platform_deadline=now + AHEAD,
        ),
        now,
        "intake",
    )
    dispatched = envelope(
        OrderDispatched,
        order_id,
        OrderDispatchedPayload(
            assignment_id=1,
            department="USER_MAINTENANCE",
            assignee_id="W-0301",
            chain_position="A",
            ack_due=now + AHEAD,
        ),
        now,
        "router",
    )
    return [received, dispatched]


def full_life(order_id: str, now: datetime) -> list[OrderEvent]:
    """An order's whole life: received, dispatched, signed for, resolved (every clock but the
    reply stops: the statements that close deadlines run too)."""
    department = "USER_MAINTENANCE"
    acknowledged = envelope(
        OrderAcknowledged,
        order_id,
        OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department=department),
        now,
        "router",
    )
    resolved = envelope(
        OrderResolved,
        order_id,
        OrderResolvedPayload(by="W-0301", department=department, assignment_id=1),
        now,
        "router",
    )
    return [*order_life(order_id, now), acknowledged, resolved]


async def handle(db: Database, events: list[OrderEvent], deps: SlaDeps, now: datetime) -> None:
    """The events through the service's handlers in one transaction. What they emit is
    dropped: a preloaded order is news to no other service."""
    async with db.transaction() as session:
        uow = UnitOfWork(session, now)
        for event in events:
            await EVENTS[type(event)](event, uow, deps)


async def open_count(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(DeadlineRow).where(DeadlineRow.state == OPEN)
        return int(await session.scalar(query) or 0)


async def preload(
    db: Database,
    open_deadlines: int,
    deps: SlaDeps,
    now: datetime,
    prefix: str = "PRELOAD",
    on_loaded: Callable[[int], None] = lambda n: None,
) -> int:
    """Orders received and dispatched until at least ``open_deadlines`` deadlines are open
    (a schema at head is expected); returns how many are open. The first order tells how
    many deadlines one opens; the rest go in ``PER_TRANSACTION`` at a time."""
    held = await open_count(db)
    prefix = f"{prefix}-{held}"  # a second preload of the same database adds new orders
    made = 0
    per_order = 0
    while held < open_deadlines:
        wanted = 1 if per_order == 0 else -(-(open_deadlines - held) // per_order)
        events = [
            e
            for i in range(made, made + min(wanted, PER_TRANSACTION))
            for e in order_life(f"{prefix}-{i:07d}", now)
        ]
        made += len(events) // 2
        await handle(db, events, deps, now)
        before, held = held, await open_count(db)
        if held == before:
            raise RuntimeError("preloading orders opened no deadline: the policies changed?")
        per_order = per_order or held - before
        on_loaded(held - before)
    return held


async def preload_database(
    url: str, open_deadlines: int, deps: SlaDeps, on_loaded: Callable[[int], None]
) -> int:
    """The SLA database at ``url`` migrated to head and holding ``open_deadlines`` (before the
    service starts on it: ``gridline bench --open-deadlines``); returns how many it holds."""
    from services.sla.bench.poller import MIGRATIONS  # the schema the service would make
    from shared.migrations import upgrade

    db = Database(url)
    await db.start()
    try:
        await upgrade(db, MIGRATIONS)
        return await preload(db, open_deadlines, deps, datetime.now(UTC), on_loaded=on_loaded)
    finally:
        await db.stop()
