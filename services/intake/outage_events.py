"""OutageAnnounced (from outreach) in: the outage becomes an order of its own, dispatched once to
the department that works on it, and an incident its callers join (``outages``)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import incidents
from services.intake.domain import CallerIdentity, NormalizedOrder
from services.intake.handlers import timeline_rows
from services.intake.outages import OUTAGE, OUTAGE_REF, PLANNED, window_text
from services.intake.store import IncidentRow, OrderRepository, PlannedOutageRow
from services.intake.submit import IntakeDeps, submit_order
from shared.contracts import (
    ActivityEvent,
    Address,
    Event,
    OrderReceivedPayload,
    OutageAnnounced,
    OutageAnnouncedPayload,
)
from shared.organisation import community_key
from shared.runtime import EventHandler


def outage_order(p: OutageAnnouncedPayload, label: str, at: datetime) -> NormalizedOrder:
    where = "、".join(p.communities)
    ref = f"{OUTAGE_REF}{p.campaign_id}"
    return NormalizedOrder(
        source="grid_report",
        source_ref=ref,
        payload=OrderReceivedPayload(
            source="grid_report",
            source_ref=ref,
            category=OUTAGE,
            category_label=label,
            source_category="计划停水",
            title=f"计划停水：{p.title or label}（{where}）",
            content=f"{window_text(p.starts_at, p.ends_at)}；{p.reason}",
            address=Address(text=where, community=p.communities[0]),
            received_at=at,
            needs_reply=False,
        ),
        caller=CallerIdentity(name=None, phone=None),
        classified_by="outreach",
    )


async def open_planned_outage(
    session: AsyncSession, event: OutageAnnounced, deps: IntakeDeps, now: datetime
) -> list[Event]:
    p = event.payload
    if await session.get(PlannedOutageRow, p.campaign_id) is not None:
        return []
    order = outage_order(p, deps.taxonomy.label(OUTAGE), event.occurred_at)
    result = await submit_order(session, order, now, deps)
    primary = await OrderRepository(session).get(result.order_id)
    incident_id = primary.incident_id if primary and primary.incident_id else None
    if incident_id is None:
        incident_id = incidents.new_incident_id(now)
        session.add(
            IncidentRow(
                incident_id=incident_id,
                rule=PLANNED,
                cluster_key=f"{PLANNED}:{p.campaign_id}",
                primary_order_id=result.order_id,
                category=OUTAGE,
                community_key=None,
                opened_at=now,
                last_received_at=event.occurred_at,
                members=1,
                major_raised_at=None,
            )
        )
        if primary is not None:
            primary.incident_id = incident_id
    session.add(
        PlannedOutageRow(
            campaign_id=p.campaign_id,
            incident_id=incident_id,
            primary_order_id=result.order_id,
            department=p.department,
            title=p.title,
            community_keys=[community_key(c) for c in p.communities],
            starts_at=p.starts_at,
            ends_at=p.ends_at,
        )
    )
    session.add_all(timeline_rows(result.events))
    return list(result.events)


def make_outage_handler(deps: IntakeDeps) -> EventHandler[ActivityEvent]:
    async def on_activity(
        event: ActivityEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        if isinstance(event, OutageAnnounced):
            return await open_planned_outage(session, event, deps, now)
        return []

    return on_activity
