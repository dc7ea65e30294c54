"""The router's own database: each order's routing state, its assignments, and the roster
changes heads make over HTTP (with their audit trail)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, Boolean, Integer, Select, String, Text, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.router.config import RouterDeps
from services.router.domain.chain import Assignment
from services.router.domain.roster import Roster, with_changes
from shared.contracts import OrderReceivedPayload
from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class RoutedOrder(Base):
    __tablename__ = "routed_orders"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    grid: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str] = mapped_column(String(40))
    chain_position: Mapped[str] = mapped_column(String(20))
    assignment_id: Mapped[int] = mapped_column(Integer)
    ack_due: Mapped[datetime]
    received_at: Mapped[datetime]
    order: Mapped[dict[str, Any]] = mapped_column(JSON)
    returns: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    major: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deadline: Mapped[datetime | None]
    extension_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_request: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    appointment_at: Mapped[datetime | None]
    complaint_verdict: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime | None]
    # An incident's orders: the primary carries ``incident_id``; a linked (or split) order also
    # names its ``primary_order_id`` and follows the primary's assignment while linked.
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    primary_order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    split_rule: Mapped[str | None] = mapped_column(String(20))


class AssignmentRow(Base):
    __tablename__ = "assignments"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    assignment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(40))
    assignee_id: Mapped[str] = mapped_column(String(40), index=True)
    chain_position: Mapped[str] = mapped_column(String(20))
    dispatched_at: Mapped[datetime]
    ack_due: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    skipped: Mapped[list[Any]] = mapped_column(JSON)


def order_of(row: RoutedOrder) -> OrderReceivedPayload:
    """The order as received, kept whole on its routing row."""
    return OrderReceivedPayload.model_validate(row.order)


def assignment_row(
    order_id: str, number: int, chosen: Assignment, now: datetime, due: datetime
) -> AssignmentRow:
    return AssignmentRow(
        order_id=order_id,
        assignment_id=number,
        department=chosen.department,
        assignee_id=chosen.assignee_id,
        chain_position=chosen.position,
        dispatched_at=now,
        ack_due=due,
        acknowledged_at=None,
        skipped=[s.model_dump(mode="json") for s in chosen.skipped],
    )


class MajorNotice(Base):
    """Who was told of a major event, per incident (keyed by its primary order) or order: one
    notice per incident per recipient (Art. 7 at once, not once per caller)."""

    __tablename__ = "major_notices"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class RosterEntry(Base):
    """The current value of one roster item changed over HTTP; it replaces the file's value."""

    __tablename__ = "roster_entries"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # leave, overrides, rotation
    subject: Mapped[str] = mapped_column(String(40), primary_key=True)  # person or unit code
    body: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class RosterAudit(Base):
    """Every roster change on the record: who, when, before, after."""

    __tablename__ = "roster_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(40), index=True)
    who: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime]
    before: Mapped[list[Any]] = mapped_column(JSON)
    after: Mapped[list[Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries(self) -> list[RosterEntry]:
        return list(await self.session.scalars(select(RosterEntry)))

    async def entry(self, kind: str, subject: str) -> RosterEntry | None:
        return await self.session.get(RosterEntry, (kind, subject))

    def add(self, *rows: RosterEntry | RosterAudit) -> None:
        self.session.add_all(rows)

    async def audit(self, subject: str | None, limit: int, offset: int) -> list[RosterAudit]:
        query = select(RosterAudit)
        if subject:
            query = query.where(RosterAudit.subject == subject)
        query = query.order_by(RosterAudit.id.desc()).limit(limit).offset(offset)
        return list(await self.session.scalars(query))

    async def last_change(self) -> int | None:
        """The newest audit row's id: it grows with every roster or leave change."""
        return await self.session.scalar(select(func.max(RosterAudit.id)))


async def current_roster(session: AsyncSession, deps: RouterDeps) -> Roster:
    """The file's roster with the heads' changes made over HTTP."""
    entries = await RosterRepository(session).entries()
    base = Roster.from_org(deps.org, deps.calendar)
    return with_changes(base, [(e.kind, e.subject, e.body) for e in entries])


@dataclass(frozen=True)
class InboxFilter:
    state: str | None = None
    assignee_id: str | None = None
    major: bool | None = None
    extension_pending: bool | None = None


S = TypeVar("S", bound=Select[Any])


def _filtered(query: S, department: str, f: InboxFilter | None) -> S:
    query = query.where(RoutedOrder.department == department)
    if f is None or not f.state:
        # A linked order is shown under its incident, not as an order to sign for.
        query = query.where(RoutedOrder.state != "linked")
    if f is None:
        return query
    if f.state:
        query = query.where(RoutedOrder.state == f.state)
    if f.assignee_id:
        query = query.where(RoutedOrder.assignee_id == f.assignee_id)
    if f.major is not None:
        query = query.where(RoutedOrder.major == f.major)
    if f.extension_pending is not None:
        pending = RoutedOrder.extension_request.is_not(None)
        query = query.where(pending if f.extension_pending else ~pending)
    return query


class RoutingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> RoutedOrder | None:
        return await self.session.get(RoutedOrder, order_id)

    async def get_for_update(self, order_id: str) -> RoutedOrder | None:
        """The order, locked for this transaction (PostgreSQL), so that two commands or an
        acknowledgement racing an escalation are applied one after the other."""
        return await self.session.get(RoutedOrder, order_id, with_for_update=True)

    async def assignment(self, order_id: str, assignment_id: int) -> AssignmentRow | None:
        return await self.session.get(AssignmentRow, (order_id, assignment_id))

    async def assignments(self, order_id: str) -> list[AssignmentRow]:
        query = select(AssignmentRow).where(AssignmentRow.order_id == order_id)
        return list(await self.session.scalars(query.order_by(AssignmentRow.assignment_id)))

    async def received_by_department(self, order_id: str, department: str) -> datetime | None:
        """When the department was first given the order."""
        query = select(func.min(AssignmentRow.dispatched_at)).where(
            AssignmentRow.order_id == order_id, AssignmentRow.department == department
        )
        found: datetime | None = await self.session.scalar(query)
        return found

    async def asked(self, order_id: str, department: str) -> frozenset[str]:
        """Who was already given this order in this department."""
        rows = await self.session.scalars(
            select(AssignmentRow.assignee_id).where(
                AssignmentRow.order_id == order_id, AssignmentRow.department == department
            )
        )
        return frozenset(rows)

    def add(self, *rows: RoutedOrder | AssignmentRow | MajorNotice) -> None:
        self.session.add_all(rows)

    async def linked_to(self, primary_order_id: str, state: str | None = None) -> list[RoutedOrder]:
        """The incident's other orders (linked or split), oldest first."""
        query = select(RoutedOrder).where(RoutedOrder.primary_order_id == primary_order_id)
        if state is not None:
            query = query.where(RoutedOrder.state == state)
        query = query.order_by(RoutedOrder.received_at, RoutedOrder.order_id)
        return list(await self.session.scalars(query))

    async def linked_counts(self, primary_ids: list[str]) -> dict[str, int]:
        """How many orders ride on each primary's assignment (not split off)."""
        if not primary_ids:
            return {}
        query = (
            select(RoutedOrder.primary_order_id, func.count())
            .where(
                RoutedOrder.primary_order_id.in_(primary_ids),
                RoutedOrder.split_rule.is_(None),
            )
            .group_by(RoutedOrder.primary_order_id)
        )
        return {str(k): int(n) for k, n in (await self.session.execute(query)).all()}

    async def told(self, key: str) -> frozenset[str]:
        rows = await self.session.scalars(
            select(MajorNotice.recipient).where(MajorNotice.key == key)
        )
        return frozenset(rows)

    async def count(self, department: str, filters: InboxFilter | None = None) -> int:
        query = _filtered(select(func.count()).select_from(RoutedOrder), department, filters)
        return int(await self.session.scalar(query) or 0)

    async def inbox(
        self, department: str, filters: InboxFilter | None, limit: int, offset: int
    ) -> list[RoutedOrder]:
        query = _filtered(select(RoutedOrder), department, filters)
        query = query.order_by(RoutedOrder.ack_due, RoutedOrder.order_id)
        return list(await self.session.scalars(query.limit(limit).offset(offset)))
