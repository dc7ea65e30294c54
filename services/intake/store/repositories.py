"""Named queries on intake's tables: orders and their timeline, look-alikes and incidents, the
care register and grid activity (the reply queue's are in ``replies``). None of them commits:
the caller's unit of work does."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from services.intake.domain.care import CareEntry
from services.intake.domain.outages import covers
from services.intake.domain.phones import variants
from services.intake.store.statements import (
    BY_SOURCE_REF,
    CARE_ACTIVE,
    INSERT_TIMELINE,
    SAME_AREA,
    SAME_CALLER,
    SET_STATE,
    insert_order,
    timeline_once,
)
from services.intake.store.tables import (
    ActivityRow,
    CareEntryRow,
    FollowupRow,
    IncidentRow,
    OrderRow,
    PlannedOutageRow,
    TimelineRow,
)


class CareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_for(self, phone: str | None, community_key: str | None) -> list[CareEntry]:
        """Active entries that could match an order from this phone or community: the columns
        that decide a match, in register order."""
        if not phone and not community_key:
            return []
        statement = CARE_ACTIVE[bool(phone), bool(community_key)]
        params = {"phones": variants(phone) if phone else [], "key": community_key}
        result = await self.session.execute(statement, params)
        return [CareEntry(*r) for r in result]

    async def same_household(
        self,
        name: str,
        phone: str | None,
        community_key: str | None,
        building: str | None,
        unit: str | None,
        room: str | None,
    ) -> CareEntryRow | None:
        """An active entry for the same person at the same place (a resent report)."""
        return await self.session.scalar(
            select(CareEntryRow).where(
                CareEntryRow.retired_at.is_(None),
                CareEntryRow.name == name,
                _equal(CareEntryRow.phone, phone),
                _equal(CareEntryRow.community_key, community_key),
                _equal(CareEntryRow.building, building),
                _equal(CareEntryRow.unit, unit),
                _equal(CareEntryRow.room, room),
            )
        )

    async def get(self, entry_id: int) -> CareEntryRow | None:
        return await self.session.get(CareEntryRow, entry_id)

    async def listing(self, include_retired: bool, grid: str | None) -> list[CareEntryRow]:
        query = select(CareEntryRow).order_by(CareEntryRow.id)
        if not include_retired:
            query = query.where(CareEntryRow.retired_at.is_(None))
        if grid:
            query = query.where(CareEntryRow.grid == grid)
        return list(await self.session.scalars(query))

    def add(self, row: CareEntryRow) -> None:
        self.session.add(row)


def _equal(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def exists(self, activity_id: str) -> bool:
        return await self.session.get(ActivityRow, activity_id) is not None

    def add(self, row: ActivityRow) -> None:
        self.session.add(row)


# Every dispatch asks whether a 12345 order has follow-ups kept for it (almost never): two
# plain statements built once, before any locked ORM load of the order (issue 25).
_SOURCE_OF = select(OrderRow.source, OrderRow.source_ref).where(
    OrderRow.order_id == bindparam("order_id")
)
_ANY_HELD = (
    select(FollowupRow.message_id)
    .where(FollowupRow.order_no == bindparam("order_no"), FollowupRow.order_id.is_(None))
    .limit(1)
)


class FollowupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def any_held_for_order(self, order_id: str) -> bool:
        """Whether the order is a 12345 order with follow-ups kept while it had not arrived."""
        found = (await self.session.execute(_SOURCE_OF, {"order_id": order_id})).first()
        if found is None or found.source != "12345":
            return False
        held = await self.session.execute(_ANY_HELD, {"order_no": found.source_ref})
        return held.first() is not None

    async def get(self, message_id: str) -> FollowupRow | None:
        return await self.session.get(FollowupRow, message_id)

    def add(self, row: FollowupRow) -> None:
        self.session.add(row)

    async def held_for(self, order_no: str) -> list[FollowupRow]:
        """Those kept for a 12345 order that had not arrived, in the platform's order, locked:
        each is applied once, when the order first has a holder."""
        rows = await self.session.scalars(
            select(FollowupRow)
            .where(FollowupRow.order_no == order_no, FollowupRow.order_id.is_(None))
            .order_by(FollowupRow.at, FollowupRow.received_at, FollowupRow.message_id)
            .with_for_update()
        )
        return list(rows)

    async def unmatched(self, limit: int, offset: int) -> list[FollowupRow]:
        """Those about no order we know, newest first."""
        rows = await self.session.scalars(
            select(FollowupRow)
            .where(FollowupRow.order_id.is_(None))
            .order_by(FollowupRow.received_at.desc(), FollowupRow.message_id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows)


class StoredOrder(NamedTuple):
    order_id: str
    category: str
    incident_id: str | None


class OrderRepository:
    """Named queries on intake's tables; it never commits (the caller's transaction does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_source_ref(self, source: str, source_ref: str) -> StoredOrder | None:
        result = await self.session.execute(
            BY_SOURCE_REF, {"source": source, "source_ref": source_ref}
        )
        found = result.first()
        return StoredOrder(*found) if found is not None else None

    async def get(self, order_id: str) -> OrderRow | None:
        return await self.session.get(OrderRow, order_id)

    async def fresh(self, order_id: str) -> OrderRow | None:
        """The order as the database has it now (after a Core update in this transaction)."""
        return await self.session.get(OrderRow, order_id, populate_existing=True)

    async def add(self, values: dict[str, Any]) -> OrderRow | None:
        """The stored order (in the session, for later changes), or None if another order
        with the same source key was stored first. One Core insert: no savepoint, no flush."""
        result = await self.session.execute(insert_order(self.session), values)
        if result.first() is None:
            return None
        row = OrderRow(**values)  # every column given: nothing is left to load
        make_transient_to_detached(row)
        self.session.add(row)
        return row

    async def add_timeline(self, rows: list[dict[str, Any]]) -> None:
        """Entries of events intake writes itself (new, so a plain insert)."""
        if rows:
            await self.session.execute(INSERT_TIMELINE, rows)

    async def add_timeline_once(self, row: dict[str, Any]) -> bool:
        """False when the order is unknown or the event is in its timeline already."""
        result = await self.session.execute(timeline_once(self.session), row)
        return result.first() is not None

    async def set_state(self, change: str, params: dict[str, Any]) -> None:
        """``statements.SET_STATE[change]`` with ``key`` (the order id) and its values."""
        await self.session.execute(SET_STATE[change], params)

    async def timeline(self, order_id: str) -> list[TimelineRow]:
        result = await self.session.scalars(
            select(TimelineRow)
            .where(TimelineRow.order_id == order_id)
            .order_by(TimelineRow.occurred_at, TimelineRow.id)
        )
        return list(result)


class Lookalike(NamedTuple):
    order_id: str
    received_at: datetime
    incident_id: str | None


class ClusterQueries:
    """The look-alikes of a new order and the incidents they belong to."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def same_caller(
        self, phones: list[str], category: str, since: datetime, until: datetime, exclude: str
    ) -> list[Lookalike]:
        params = {"phones": phones, "category": category, "since": since, "until": until}
        return await self._lookalikes(SAME_CALLER, params | {"exclude": exclude})

    async def same_area(
        self,
        community: str,
        categories: tuple[str, ...],
        since: datetime,
        until: datetime,
        exclude: str,
    ) -> list[Lookalike]:
        params = {"community": community, "categories": list(categories), "since": since}
        return await self._lookalikes(SAME_AREA, params | {"until": until, "exclude": exclude})

    async def _lookalikes(self, statement: Any, params: dict[str, Any]) -> list[Lookalike]:
        result = await self.session.execute(statement, params)
        return [Lookalike(*r) for r in result.all()]

    async def incidents(self, ids: set[str]) -> list[IncidentRow]:
        if not ids:
            return []
        return list(
            await self.session.scalars(select(IncidentRow).where(IncidentRow.incident_id.in_(ids)))
        )

    async def incident(self, incident_id: str) -> IncidentRow | None:
        return await self.session.get(IncidentRow, incident_id)

    async def members(self, incident_id: str) -> list[OrderRow]:
        result = await self.session.scalars(
            select(OrderRow)
            .where(OrderRow.incident_id == incident_id)
            .order_by(OrderRow.received_at, OrderRow.order_id)
        )
        return list(result)

    async def planned_outage_covering(self, key: str, at: datetime) -> PlannedOutageRow | None:
        """The latest-opened planned outage whose window and area hold the call, if any."""
        rows = await self.session.scalars(
            select(PlannedOutageRow)
            .where(PlannedOutageRow.starts_at <= at, PlannedOutageRow.ends_at >= at)
            .order_by(PlannedOutageRow.opened_at.desc())
        )
        return next(
            (r for r in rows if covers(r.community_keys, r.starts_at, r.ends_at, key, at)), None
        )
