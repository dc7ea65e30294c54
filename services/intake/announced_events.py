"""OutageAnnounced (from outreach) in: the outage's own order and its incident
(``announced_outages`` says what they are and links the calls)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import incidents
from services.intake.announced_outages import OUTAGE, RULE, outage_order
from services.intake.handlers import timeline_rows
from services.intake.store import IncidentRow, OrderRepository
from services.intake.submit import IntakeDeps, submit_order
from shared.contracts import ActivityEvent, Event, OutageAnnounced
from shared.runtime import EventHandler


async def open_announced(
    session: AsyncSession, event: OutageAnnounced, deps: IntakeDeps, now: datetime
) -> list[Event]:
    """The outage's order and incident; an announcement seen twice opens nothing new."""
    order = outage_order(event.payload, deps.taxonomy.label(OUTAGE), event.occurred_at)
    result = await submit_order(session, order, now, deps)
    if not result.created:
        return []
    primary = await OrderRepository(session).get(result.order_id)
    if primary is not None and primary.incident_id is None:
        primary.incident_id = incidents.new_incident_id(now)
        session.add(
            IncidentRow(
                incident_id=primary.incident_id,
                rule=RULE,
                cluster_key=f"{RULE}:{event.payload.campaign_id}",
                primary_order_id=primary.order_id,
                category=OUTAGE,
                community_key=None,
                opened_at=now,
                last_received_at=event.occurred_at,
                members=1,
                major_raised_at=None,
            )
        )
    session.add_all(timeline_rows(result.events))
    return list(result.events)


def make_outage_handler(deps: IntakeDeps) -> EventHandler[ActivityEvent]:
    async def on_activity(
        event: ActivityEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        if isinstance(event, OutageAnnounced):
            return await open_announced(session, event, deps, now)
        return []

    return on_activity
