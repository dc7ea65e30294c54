"""Planned outages (announced by outreach): a call about water in one of the outage's
communities during its window joins the outage's incident instead of starting a new one.

Only the categories of the area group that holds OUTAGE link (config/intake.yaml
``clustering.area_groups``: an outage, low pressure, a leak are one failure in one place).
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain import PRODUCER
from services.intake.metrics import DUPLICATES_LINKED
from services.intake.rules import IntakeRules
from services.intake.store import IncidentRow, OrderRow, PlannedOutageRow
from shared.clock import to_local
from shared.contracts import DuplicateLinked, DuplicateLinkedPayload, OrderEvent

PLANNED = "planned_outage"
OUTAGE = "OUTAGE"
OUTAGE_REF = "outage:"


def links(rules: IntakeRules, category: str) -> bool:
    group = rules.clustering.group_of(category)
    return category == OUTAGE or (
        group is not None and OUTAGE in rules.clustering.area_groups[group]
    )


def window_text(starts_at: datetime, ends_at: datetime) -> str:
    start, end = to_local(starts_at), to_local(ends_at)
    return f"{start.month}月{start.day}日{start:%H:%M}至{end.month}月{end.day}日{end:%H:%M}"


async def active_outage(
    session: AsyncSession, community_key: str, at: datetime
) -> PlannedOutageRow | None:
    rows = await session.scalars(
        select(PlannedOutageRow)
        .where(PlannedOutageRow.starts_at <= at, PlannedOutageRow.ends_at >= at)
        .order_by(PlannedOutageRow.starts_at.desc())
    )
    return next((r for r in rows if community_key in r.community_keys), None)


async def link_to_planned(
    session: AsyncSession, row: OrderRow, rules: IntakeRules, now: datetime
) -> list[OrderEvent]:
    """The DuplicateLinked that joins ``row`` to a planned outage's incident, or nothing."""
    if row.community_key is None or not links(rules, row.category):
        return []
    if row.source_ref.startswith(OUTAGE_REF):  # the outage's own order is not a call about it
        return []
    outage = await active_outage(session, row.community_key, row.received_at)
    if outage is None or outage.primary_order_id == row.order_id:
        return []
    incident = await session.get(IncidentRow, outage.incident_id)
    if incident is None:
        return []
    incident.members += 1
    incident.last_received_at = max(incident.last_received_at, row.received_at)
    row.incident_id = incident.incident_id
    DUPLICATES_LINKED.labels(PLANNED).inc()
    reason = (
        f"计划停水期间（{window_text(outage.starts_at, outage.ends_at)}）的来电：{outage.title}"
    )
    return [
        DuplicateLinked(
            order_id=row.order_id,
            occurred_at=now,
            producer=PRODUCER,
            payload=DuplicateLinkedPayload(
                incident_id=incident.incident_id,
                primary_order_id=outage.primary_order_id,
                reason=reason,
            ),
        )
    ]
