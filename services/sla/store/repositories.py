"""The statements on the SLA service's tables (``tables``) that its handlers, poller and HTTP
reads run."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain import NewDeadline
from services.sla.store.tables import (
    APPOINTMENT,
    CARD,
    CHAIN,
    CLOSED,
    OPEN,
    DeadlineRow,
    OrderRow,
)

# The handlers' hot statements, built once (issue 14). The order (and share: ``shares``) tables
# are written only through Core, never loaded as ORM objects in a unit of work, so no stale
# copy of a row outlives a Core update of it. Deadlines are still moved in place as ORM rows
# by the colder handlers (a pause, an extension): the reads of the resolution deadline stay
# ORM-enabled so that such a move is flushed before it is read.
DEADLINES: Table = DeadlineRow.__table__  # type: ignore[assignment]
ORDERS: Table = OrderRow.__table__  # type: ignore[assignment]


class ResolveDue(NamedTuple):
    """The open 办结时限 of an order, as the router is told it."""

    due_at: datetime
    policy_due: datetime | None
    platform_due: datetime | None
    clock: str


_RESOLVE_DUE = (
    select(DeadlineRow.due_at, DeadlineRow.policy_due, DeadlineRow.platform_due, DeadlineRow.clock)
    .where(
        DeadlineRow.order_id == bindparam("order_id"),
        DeadlineRow.state == OPEN,
        DeadlineRow.kind == "resolve",
        DeadlineRow.purpose == CARD,
    )
    .order_by(DeadlineRow.id)
    .limit(1)
)
_OPEN_DEADLINES = insert(DEADLINES)
_HAND_DEADLINES = (
    update(DEADLINES)
    .where(
        DEADLINES.c.order_id == bindparam("the_order"),
        DEADLINES.c.state == OPEN,
        DEADLINES.c.purpose.in_((CARD, APPOINTMENT)),
    )
    .values(department=bindparam("department"), assignee_id=bindparam("assignee_id"))
)

_CLOSE_CHAIN = (
    update(DEADLINES)
    .where(
        DEADLINES.c.order_id == bindparam("the_order"),
        DEADLINES.c.state == OPEN,
        DEADLINES.c.kind == "acknowledge",
        DEADLINES.c.purpose == CHAIN,
    )
    .values(state=CLOSED, next_at=None)
)


class DeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, order_id: str, made: Iterable[NewDeadline], now: datetime) -> None:
        """Starts the deadlines the domain made, in one statement."""
        rows = [
            {
                "order_id": order_id,
                "kind": d.kind,
                "purpose": d.purpose,
                "assignment_id": d.assignment_id,
                "department": d.department,
                "assignee_id": d.assignee_id,
                "clock": d.clock,
                "started_at": d.started_at,
                "policy_due": d.policy_due,
                "platform_due": d.platform_due,
                "due_at": d.due,
                "warn_at": d.warn_at,
                "warned": False,
                "next_at": d.next_at,
                "paused_seconds": 0,
                "explained": d.explained,
                "state": OPEN,
                "created_at": now,
                "fired_at": None,
            }
            for d in made
        ]
        if rows:
            await self.session.execute(_OPEN_DEADLINES, rows)

    async def resolve_due(self, order_id: str) -> ResolveDue | None:
        """The order's open resolution deadline (the first, if more are open)."""
        row = (await self.session.execute(_RESOLVE_DUE, {"order_id": order_id})).first()
        return ResolveDue(*row) if row is not None else None

    async def close_chain(self, order_id: str) -> None:
        """The router's acknowledgement deadline stops. Core, not kept in step with loaded
        rows: no handler changes a chain row as an ORM object or reads its state."""
        await self.session.execute(_CLOSE_CHAIN, {"the_order": order_id})

    async def hand_to(self, order_id: str, department: str, assignee_id: str | None) -> None:
        """The open cards and appointment now name whoever holds the order."""
        await self.session.execute(
            _HAND_DEADLINES,
            {"the_order": order_id, "department": department, "assignee_id": assignee_id},
        )

    async def open_of(
        self, order_id: str, kinds: tuple[str, ...] | None = None
    ) -> list[DeadlineRow]:
        query = select(DeadlineRow).where(
            DeadlineRow.order_id == order_id, DeadlineRow.state == OPEN
        )
        if kinds is not None:
            query = query.where(DeadlineRow.kind.in_(kinds))
        return list(await self.session.scalars(query.order_by(DeadlineRow.id)))

    async def all_of(self, order_id: str) -> list[DeadlineRow]:
        query = select(DeadlineRow).where(DeadlineRow.order_id == order_id)
        return list(await self.session.scalars(query.order_by(DeadlineRow.id)))

    async def latest_of(self, order_id: str, kind: str) -> DeadlineRow | None:
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.order_id == order_id, DeadlineRow.kind == kind)
            .order_by(DeadlineRow.id.desc())
            .limit(1)
        )
        row: DeadlineRow | None = await self.session.scalar(query)
        return row

    async def close(
        self,
        order_id: str,
        kinds: tuple[str, ...] | None = None,
        purposes: tuple[str, ...] | None = None,
    ) -> None:
        query = update(DeadlineRow).where(
            DeadlineRow.order_id == order_id, DeadlineRow.state == OPEN
        )
        if kinds is not None:
            query = query.where(DeadlineRow.kind.in_(kinds))
        if purposes is not None:
            query = query.where(DeadlineRow.purpose.in_(purposes))
        await self.session.execute(query.values(state=CLOSED, next_at=None))

    async def take_due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeadlineRow]:
        """Open deadlines whose next action has come, locked for this transaction (PostgreSQL:
        replicas skip each other's rows, so none fires twice)."""
        query = (
            select(DeadlineRow)
            .where(DeadlineRow.state == OPEN, DeadlineRow.next_at <= now)
            .order_by(DeadlineRow.next_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))


class Order(NamedTuple):
    """What the handlers read of an order."""

    order_id: str
    source: str
    category: str
    priority: str
    needs_reply: bool
    state: str
    department: str | None
    assignee_id: str | None
    assignment_id: int | None
    received_at: datetime
    platform_deadline: datetime | None
    appointment_at: datetime | None
    first_dispatched_at: datetime | None
    acknowledged_at: datetime | None


_ORDER = select(*(ORDERS.c[name] for name in Order._fields)).where(
    ORDERS.c.order_id == bindparam("order_id")
)
# New orders only: a redelivered OrderReceived inserts nothing (rowcount 0).
_NEW_ORDER = {
    "postgresql": pg_insert(ORDERS).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(ORDERS).on_conflict_do_nothing(),
}
# The columns set are the ones named in the parameters (besides ``the_order``).
_SET_ORDER = update(ORDERS).where(ORDERS.c.order_id == bindparam("the_order"))


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> OrderRow | None:
        return await self.session.get(OrderRow, order_id)

    async def find(self, order_id: str) -> Order | None:
        row = (await self.session.execute(_ORDER, {"order_id": order_id})).first()
        return Order(*row) if row is not None else None

    async def add_new(self, values: dict[str, Any]) -> bool:
        """Inserts the order unless it is known; True if it was new."""
        bind = self.session.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
        statement = _NEW_ORDER["postgresql" if dialect == "postgresql" else "sqlite"]
        result = await self.session.execute(statement, values)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def change(self, order_id: str, **values: Any) -> None:
        await self.session.execute(_SET_ORDER, {"the_order": order_id, **values})

    async def acknowledged_of(self, order_ids: set[str]) -> dict[str, bool]:
        if not order_ids:
            return {}
        rows = await self.session.execute(
            select(OrderRow.order_id, OrderRow.acknowledged).where(OrderRow.order_id.in_(order_ids))
        )
        return {order_id: bool(ack) for order_id, ack in rows.all()}
