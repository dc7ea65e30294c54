"""The router's repositories: the named statements on its tables (none of them commits).

The dispatch of a new order and the SLA's deadline run once per order, so their statements are
built once here, with bind parameters: an arrival read, two Core inserts, a Core update."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    Select,
    Table,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from services.router.config import RouterDeps
from services.router.domain.lifecycle import CLOSED
from services.router.domain.roster import Roster
from services.router.store.tables import (
    AssignmentRow,
    MajorNotice,
    RosterAudit,
    RosterEntry,
    RoutedOrder,
)


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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


_ROUTED: Table = RoutedOrder.__table__  # type: ignore[assignment]  # a mapped class's Table
_ASSIGNMENTS: Table = AssignmentRow.__table__  # type: ignore[assignment]
_ORDER: BindParameter[str] = bindparam("oid")
_DUE = bindparam("due", type_=_ROUTED.c.deadline.type)
# A new order's own row (a replay) and the orders linked to it that arrived first, in one read.
_ARRIVAL = (
    select(RoutedOrder)
    .where(or_(RoutedOrder.order_id == _ORDER, RoutedOrder.primary_order_id == _ORDER))
    .order_by(RoutedOrder.received_at, RoutedOrder.order_id)
)
_INSERT_ROUTED = insert(_ROUTED)
_INSERT_ASSIGNMENT = insert(_ASSIGNMENTS)
# Written only when it differs, as the ORM wrote a changed attribute only.
_SET_DEADLINE = (
    update(_ROUTED)
    .where(_ROUTED.c.order_id == _ORDER, _ROUTED.c.deadline.is_distinct_from(_DUE))
    .values(deadline=_DUE)
)
# A Core read (no autoflush): no unit of work adds roster entries and then reads the roster.
_ENTRIES: Table = RosterEntry.__table__  # type: ignore[assignment]  # a mapped class's Table
_CHANGES = select(_ENTRIES.c.kind, _ENTRIES.c.subject, cast(_ENTRIES.c.body, Text))


async def current_roster(session: AsyncSession, deps: RouterDeps) -> Roster:
    """The file's roster with the heads' changes made over HTTP. The changes are read every
    time (another replica may have made one); the roster is built again only when they differ
    from the last ones read (``RosterBook``)."""
    changes = tuple((k, s, t) for k, s, t in await session.execute(_CHANGES))
    return deps.rosters.roster(deps.org, deps.calendar, changes)


@dataclass(frozen=True)
class InboxFilter:
    state: str | None = None
    assignee_id: str | None = None
    major: bool | None = None
    extension_pending: bool | None = None


S = TypeVar("S", bound=Select[Any])


# A chased order still open rises to the top, the latest chase first (the caller rang again, or
# 督办 came): the order the platform is pressing is the one to do now. Closed ones keep their
# place; portable across SQLite and PostgreSQL, which disagree on where NULLs sort.
_STILL_CHASED = RoutedOrder.urged_at.is_not(None) & RoutedOrder.state.not_in(CLOSED)
CHASED_FIRST = (
    case((_STILL_CHASED, 0), else_=1),
    case((_STILL_CHASED, RoutedOrder.urged_at), else_=None).desc(),
)


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

    async def arrival(self, order_id: str) -> tuple[RoutedOrder | None, list[RoutedOrder]]:
        """A new order's own row, if it was routed already (a replay), and the orders linked to
        it that reached the router first (other partitions), oldest first."""
        rows = list(await self.session.scalars(_ARRIVAL, {"oid": order_id}))
        own = next((r for r in rows if r.order_id == order_id), None)
        return own, [r for r in rows if r.order_id != order_id]

    async def insert_routed(self, routed: dict[str, Any], assignment: dict[str, Any]) -> None:
        """A new order's routing row and its first assignment (Core inserts: nothing to load)."""
        await self.session.execute(_INSERT_ROUTED, routed)
        await self.session.execute(_INSERT_ASSIGNMENT, assignment)

    async def set_deadline(self, order_id: str, due: datetime) -> None:
        """The order's 办结时限. A row this unit holds as an object (loaded, or added and not
        yet flushed) is changed through the object, so the object and the table stay one."""
        if self._holds(order_id):
            row = await self.get_for_update(order_id)
            if row is not None:
                row.deadline = due
            return
        await self.session.execute(_SET_DEADLINE, {"oid": order_id, "due": due})

    def _holds(self, order_id: str) -> bool:
        if identity_key(RoutedOrder, order_id) in self.session.identity_map:
            return True
        return any(isinstance(o, RoutedOrder) and o.order_id == order_id for o in self.session.new)

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
        query = query.order_by(*CHASED_FIRST, RoutedOrder.ack_due, RoutedOrder.order_id)
        return list(await self.session.scalars(query.limit(limit).offset(offset)))
