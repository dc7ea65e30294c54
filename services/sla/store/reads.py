"""The SLA service's named reads, narrowed to one scope: plain rows and counts, no HTTP models.
The gauges on ``/metrics`` read them from the poller's unit of work, the HTTP answers
(``queries.py``) from a snapshot. A department's people see their own department only
(``Scope`` narrows every query)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.domain.numbers import UNASSIGNED, OnTimeLine
from services.sla.store.tables import CARD, FIRED, OPEN, DeadlineRow, OrderRow

Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Scope:
    department: str | None = None

    def deadlines(self, query: Q) -> Q:
        if self.department is None:
            return query
        return query.where(DeadlineRow.department == self.department)

    def orders(self, query: Q) -> Q:
        if self.department is None:
            return query
        return query.where(OrderRow.department == self.department)


class SlaQueries:
    """The named queries, narrowed to one scope."""

    def __init__(self, session: AsyncSession, scope: Scope) -> None:
        self.session = session
        self.scope = scope

    async def deadline_counts(self, state: str) -> dict[str, int]:
        query = self.scope.deadlines(
            select(DeadlineRow.kind, func.count())
            .where(DeadlineRow.state == state)
            .group_by(DeadlineRow.kind)
        )
        return {kind: n for kind, n in (await self.session.execute(query)).all()}

    async def open_orders(self) -> list[tuple[str, str, int]]:
        """(state, department, count) of orders not yet resolved."""
        query = self.scope.orders(
            select(OrderRow.state, OrderRow.department, func.count())
            .where(OrderRow.state != "resolved")
            .group_by(OrderRow.state, OrderRow.department)
        )
        return [(s, d or UNASSIGNED, n) for s, d, n in (await self.session.execute(query)).all()]

    async def breaches_since(self, since: datetime) -> dict[str, int]:
        """Red cards by department since a time."""
        query = self.scope.deadlines(
            select(DeadlineRow.department, func.count())
            .where(
                DeadlineRow.purpose == CARD,
                DeadlineRow.state == FIRED,
                DeadlineRow.fired_at >= since,
            )
            .group_by(DeadlineRow.department)
        )
        return {d or UNASSIGNED: n for d, n in (await self.session.execute(query)).all()}

    async def recent_breaches(self, limit: int = 20) -> list[DeadlineRow]:
        query = self.scope.deadlines(
            select(DeadlineRow)
            .where(DeadlineRow.purpose == CARD, DeadlineRow.state == FIRED)
            .order_by(DeadlineRow.fired_at.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def on_time(self, since: datetime) -> list[OnTimeLine]:
        """(department, category, label, resolved, on time) of orders resolved since a time."""
        on_time = func.sum(case((OrderRow.on_time.is_(True), 1), else_=0))
        query = self.scope.orders(
            select(
                OrderRow.department,
                OrderRow.category,
                func.max(OrderRow.category_label),
                func.count(),
                on_time,
            )
            .where(OrderRow.resolved_at >= since, OrderRow.on_time.is_not(None))
            .group_by(OrderRow.department, OrderRow.category)
        )
        return [
            (d or UNASSIGNED, c, label or c, n, int(ok or 0))
            for d, c, label, n, ok in (await self.session.execute(query)).all()
        ]

    async def durations(self, since: datetime) -> tuple[list[float], list[float]]:
        """Seconds from receipt to sign-for, and to resolution, of orders received since."""
        query = self.scope.orders(
            select(OrderRow.received_at, OrderRow.acknowledged_at, OrderRow.resolved_at).where(
                OrderRow.received_at >= since
            )
        )
        to_ack: list[float] = []
        to_resolve: list[float] = []
        for received, acked, resolved in (await self.session.execute(query)).all():
            if acked is not None:
                to_ack.append((acked - received).total_seconds())
            if resolved is not None:
                to_resolve.append((resolved - received).total_seconds())
        return to_ack, to_resolve

    async def at_risk(self, now: datetime, within: timedelta, limit: int) -> list[DeadlineRow]:
        """Open card deadlines due within ``within``, soonest first."""
        query = self.scope.deadlines(
            select(DeadlineRow)
            .where(
                DeadlineRow.state == OPEN,
                DeadlineRow.purpose == CARD,
                DeadlineRow.due_at <= now + within,
            )
            .order_by(DeadlineRow.due_at)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def orders_by_id(self, order_ids: set[str]) -> dict[str, OrderRow]:
        if not order_ids:
            return {}
        rows = await self.session.scalars(select(OrderRow).where(OrderRow.order_id.in_(order_ids)))
        return {r.order_id: r for r in rows}

    async def overdue_open(self, now: datetime, grace: timedelta) -> int:
        query = select(func.count()).where(
            DeadlineRow.state == OPEN, DeadlineRow.next_at <= now - grace
        )
        return int(await self.session.scalar(query) or 0)
