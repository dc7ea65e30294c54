"""Planned outages as anyone signed in lists them, latest first."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.schemas import PlannedOutageOut
from services.intake.store import IncidentRow, PlannedOutageRow
from shared.clock import to_local


async def planned_outages(session: AsyncSession, limit: int = 200) -> list[PlannedOutageOut]:
    rows = list(
        await session.scalars(
            select(PlannedOutageRow).order_by(PlannedOutageRow.starts_at.desc()).limit(limit)
        )
    )
    primaries = {
        i.incident_id: i.primary_order_id
        for i in await session.scalars(
            select(IncidentRow).where(IncidentRow.incident_id.in_([r.incident_id for r in rows]))
        )
    }
    return [outage_view(r, primaries.get(r.incident_id, "")) for r in rows]


def outage_view(row: PlannedOutageRow, primary: str) -> PlannedOutageOut:
    return PlannedOutageOut(
        outage_id=row.outage_id,
        incident_id=row.incident_id,
        primary_order_id=primary,
        communities=list(row.communities),
        starts_at=to_local(row.starts_at).isoformat(),
        ends_at=to_local(row.ends_at).isoformat(),
        reason=row.reason,
        opened_by=row.opened_by,
    )
