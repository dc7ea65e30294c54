"""Planned outages announced by outreach (``OutageAnnounced`` on ``gridline.activity``).

The outage becomes an order of its own (a 停水 grid-report order, ``outage:<campaign>``, no reply
owed) that the router dispatches to the area's grid like any order, and an incident whose
primary is that order. A supply-failure call (the categories of the area group holding 停水:
停水, 水压低, 漏水…) from one of the outage's communities inside its window joins that incident at
once instead of being clustered with its look-alikes.

The announcement itself is kept in the outage order's ``raw`` (what the source sent), so this
needs no table of its own; ``announced_events`` takes the announcement in. The incidents work
(issue 13) adds planned outages opened by hand, with a table; once both are in, an announcement
only has to open one of those.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain import PRODUCER, CallerIdentity, NormalizedOrder
from services.intake.metrics import DUPLICATES_LINKED
from services.intake.rules import IntakeRules
from services.intake.store import IncidentRow, OrderRow
from shared.clock import to_local
from shared.contracts import (
    Address,
    DuplicateLinked,
    DuplicateLinkedPayload,
    OrderEvent,
    OrderReceivedPayload,
    OutageAnnouncedPayload,
)
from shared.organisation import community_key

RULE = "planned_outage"
OUTAGE = "OUTAGE"
REF = "outage:"
LOOK_BACK = timedelta(days=90)
"""How long before a call an outage may have been announced and still cover it."""


def window_text(starts_at: datetime, ends_at: datetime) -> str:
    start, end = to_local(starts_at), to_local(ends_at)
    return f"{start.month}月{start.day}日{start:%H:%M}至{end.month}月{end.day}日{end:%H:%M}"


def outage_order(p: OutageAnnouncedPayload, label: str, at: datetime) -> NormalizedOrder:
    where = "、".join(p.communities)
    return NormalizedOrder(
        source="grid_report",
        source_ref=f"{REF}{p.campaign_id}",
        payload=OrderReceivedPayload(
            source="grid_report",
            source_ref=f"{REF}{p.campaign_id}",
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
        raw={"announced_outage": p.model_dump(mode="json")},
        classified_by="outreach",
    )


def _covers(outage: OrderRow, key: str, at: datetime) -> OutageAnnouncedPayload | None:
    announced = OutageAnnouncedPayload.model_validate(outage.raw["announced_outage"])
    inside = announced.starts_at <= at <= announced.ends_at
    keys = {community_key(c) for c in announced.communities}
    return announced if inside and key in keys else None


async def link_to_announced(
    session: AsyncSession, row: OrderRow, rules: IntakeRules, now: datetime
) -> list[OrderEvent]:
    """The DuplicateLinked that joins ``row`` to an announced outage's incident, or nothing."""
    group = rules.clustering.group_of(OUTAGE)
    if row.community_key is None or row.source_ref.startswith(REF):
        return []
    if row.category != OUTAGE and (
        group is None or rules.clustering.group_of(row.category) != group
    ):
        return []
    outages = await session.scalars(
        select(OrderRow)
        .where(
            OrderRow.source == "grid_report",
            OrderRow.source_ref.startswith(REF),
            OrderRow.received_at <= row.received_at,
            OrderRow.received_at >= row.received_at - LOOK_BACK,
        )
        .order_by(OrderRow.received_at.desc())
    )
    for outage in outages:
        announced = _covers(outage, row.community_key, row.received_at)
        incident = await session.get(IncidentRow, outage.incident_id) if announced else None
        if announced is None or incident is None:
            continue
        incident.members += 1
        incident.last_received_at = max(incident.last_received_at, row.received_at)
        row.incident_id = incident.incident_id
        DUPLICATES_LINKED.labels(RULE).inc()
        span = window_text(announced.starts_at, announced.ends_at)
        reason = f"计划停水期间（{span}）的来电：{announced.title}"
        payload = DuplicateLinkedPayload(
            incident_id=incident.incident_id,
            primary_order_id=incident.primary_order_id,
            reason=reason,
        )
        return [
            DuplicateLinked(
                order_id=row.order_id, occurred_at=now, producer=PRODUCER, payload=payload
            )
        ]
    return []
