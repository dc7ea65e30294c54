"""OutageAnnounced (from outreach) in: the announced outage is opened like one a head opens by
hand (``outages``), so a call inside its window and area is linked by the same clustering."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import outages
from services.intake.handlers import timeline_rows
from services.intake.submit import IntakeDeps, submit_order
from shared.contracts import ActivityEvent, Event, OutageAnnounced
from shared.runtime import EventHandler

REF = "outage:"


async def open_announced(
    session: AsyncSession, event: OutageAnnounced, deps: IntakeDeps, now: datetime
) -> list[Event]:
    """The outage's order and incident; an announcement seen twice opens nothing new (the
    order's source key is the campaign's)."""
    p = event.payload
    window = outages.Window(tuple(p.communities), p.starts_at, p.ends_at, p.reason or p.title)
    outage_id = f"{REF}{p.campaign_id}"
    order = outages.outage_order(outage_id, window, "outreach", now)
    made = await submit_order(session, order, now, deps, cluster=False)
    if not made.created:
        return []
    await outages.open_outage(session, made.order_id, outage_id, window, "outreach", now)
    session.add_all(timeline_rows(made.events))
    return list(made.events)


def make_outage_handler(deps: IntakeDeps) -> EventHandler[ActivityEvent]:
    async def on_activity(
        event: ActivityEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        if isinstance(event, OutageAnnounced):
            return await open_announced(session, event, deps, now)
        return []

    return on_activity
