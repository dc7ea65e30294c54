"""Planned outages: a head or ops opens an incident for some communities and a time window, by
hand, or outreach announces one with a notice (``OutageAnnounced``) and intake opens it alike.
Its primary is an order of the utility's own (a 停水 grid-report order, no outside reply) that
the router dispatches to the area's grid like any order; every supply-failure call (停水, 水压低,
漏水… the area group of 停水) from inside the window and the area links to it at once, so its
callers are answered when the outage is resolved, and the planned outage raises no major event
of its own."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import incidents
from services.intake.domain import CallerIdentity, NormalizedOrder
from services.intake.rules import ClusteringRules
from services.intake.store import (
    ClusterQueries,
    IncidentRow,
    OrderRepository,
    OrderRow,
    PlannedOutageRow,
)
from shared.clock import to_local
from shared.contracts import Address, OrderReceivedPayload
from shared.organisation import community_key

RULE = "planned_outage"
CATEGORY = "OUTAGE"


@dataclass(frozen=True)
class Window:
    communities: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    reason: str


def new_outage_id(now: datetime) -> str:
    return f"PO-{to_local(now):%Y%m%d}-{secrets.token_hex(3).upper()}"


def covers(keys: list[Any], starts_at: datetime, ends_at: datetime, key: str, at: datetime) -> bool:
    return starts_at <= at <= ends_at and key in keys


def outage_order(outage_id: str, window: Window, by: str, now: datetime) -> NormalizedOrder:
    """The outage as an order of the utility's own: the work of the area's grid."""
    span = f"{to_local(window.starts_at):%m-%d %H:%M}至{to_local(window.ends_at):%m-%d %H:%M}"
    where = "、".join(window.communities)
    payload = OrderReceivedPayload(
        source="grid_report",
        source_ref=outage_id,
        category=CATEGORY,
        category_label="停水",
        source_category="计划停水",
        title=f"计划停水：{where}",
        content=f"计划停水 {span}，范围：{where}。原因：{window.reason}",
        address=Address(text=where, community=window.communities[0]),
        received_at=now,
        reporter_id=by,
        needs_reply=False,
    )
    return NormalizedOrder(
        source="grid_report",
        source_ref=outage_id,
        payload=payload,
        caller=CallerIdentity(name=None, phone=None),
        raw={"planned_outage": outage_id},
        classified_by="planned_outage",
    )


async def covering(session: AsyncSession, key: str, at: datetime) -> PlannedOutageRow | None:
    """The latest-opened planned outage whose window and area hold the call, if any."""
    rows = await session.scalars(
        select(PlannedOutageRow)
        .where(PlannedOutageRow.starts_at <= at, PlannedOutageRow.ends_at >= at)
        .order_by(PlannedOutageRow.opened_at.desc())
    )
    return next(
        (r for r in rows if covers(r.community_keys, r.starts_at, r.ends_at, key, at)), None
    )


def keys_of(communities: tuple[str, ...]) -> list[str]:
    return [community_key(c)[:100] for c in communities]


async def planned_link(
    session: AsyncSession, row: OrderRow, rules: ClusteringRules
) -> tuple[incidents.ClusterDecision, IncidentRow] | None:
    """A supply-failure call from inside a planned outage's window and area joins it at once."""
    group = rules.group_of(CATEGORY)
    if row.community_key is None or group is None or rules.group_of(row.category) != group:
        return None
    outage = await covering(session, row.community_key, row.received_at)
    if outage is None:
        return None
    incident = await ClusterQueries(session).incident(outage.incident_id)
    if incident is None or incident.primary_order_id == row.order_id:
        return None
    decision = incidents.ClusterDecision(
        incident.incident_id, False, RULE, incident.primary_order_id, (row.order_id,)
    )
    return decision, incident


async def open_outage(
    session: AsyncSession,
    order_id: str,
    outage_id: str,
    window: Window,
    by: str,
    now: datetime,
) -> PlannedOutageRow:
    """The outage's incident (its primary the outage's own order) and its window and area."""
    incident_id = incidents.new_incident_id(now)
    keys = keys_of(window.communities)
    session.add(
        IncidentRow(
            incident_id=incident_id,
            rule=RULE,
            cluster_key=f"{RULE}:{outage_id}",
            primary_order_id=order_id,
            category=CATEGORY,
            community_key=keys[0],
            opened_at=now,
            last_received_at=now,
            members=1,
            major_raised_at=None,
        )
    )
    primary = await OrderRepository(session).get(order_id)
    if primary is not None:
        primary.incident_id = incident_id
    row = PlannedOutageRow(
        outage_id=outage_id,
        incident_id=incident_id,
        communities=list(window.communities),
        community_keys=keys,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        reason=window.reason,
        opened_by=by,
        opened_at=now,
    )
    session.add(row)
    await session.flush()
    return row
