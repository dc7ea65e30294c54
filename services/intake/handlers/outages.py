"""Planned outages: a head or ops opens one by hand (``OpenPlannedOutage``), or outreach
announces one (``OutageAnnounced``) and intake opens it alike. Its primary is an order of the
utility's own that the router dispatches like any order; supply-failure calls from inside its
window and area link to it (``clustering.planned_link``). The rules are ``domain/outages.py``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain import incidents, outages
from services.intake.handlers.submit import submit_order
from services.intake.handlers.timeline import record_own_events
from services.intake.store import IncidentRow, OrderRepository, PlannedOutageRow
from shared.contracts import Event, OutageAnnounced
from shared.unit_of_work import UnitOfWork

ANNOUNCED_REF = "outage:"


@dataclass(frozen=True)
class OpenPlannedOutage:
    communities: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    reason: str
    by: str


@dataclass(frozen=True)
class OpenedOutage:
    outage: PlannedOutageRow
    primary_order_id: str


async def open_planned_outage(
    command: OpenPlannedOutage, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """``uow.answer``: ``OpenedOutage``. The outage order and its incident commit with their
    events; a window or community not allowed is refused (``Invalid``)."""
    window = outages.checked_window(
        deps.org, command.communities, command.starts_at, command.ends_at, command.reason
    )
    outage_id = outages.new_outage_id(uow.now, deps.tail(3))
    order = outages.outage_order(outage_id, window, command.by, uow.now)
    made = await submit_order(uow.session, order, uow.now, deps, cluster=False)
    ids = (outage_id, incidents.new_incident_id(uow.now, deps.tail(3)))
    row = await open_outage(uow.session, made.order_id, ids, window, command.by, uow.now)
    await record_own_events(uow.session, made.events)
    uow.answer = OpenedOutage(row, made.order_id)
    return made.events


async def open_announced_outage(
    event: OutageAnnounced, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """The outage's order and incident; an announcement seen twice opens nothing new (the
    order's source key is the campaign's)."""
    p = event.payload
    window = outages.Window(tuple(p.communities), p.starts_at, p.ends_at, p.reason or p.title)
    outage_id = f"{ANNOUNCED_REF}{p.campaign_id}"
    order = outages.outage_order(outage_id, window, "outreach", uow.now)
    made = await submit_order(uow.session, order, uow.now, deps, cluster=False)
    if not made.created:
        return []
    ids = (outage_id, incidents.new_incident_id(uow.now, deps.tail(3)))
    await open_outage(uow.session, made.order_id, ids, window, "outreach", uow.now)
    await record_own_events(uow.session, made.events)
    return list(made.events)


async def open_outage(
    session: AsyncSession,
    order_id: str,
    ids: tuple[str, str],
    window: outages.Window,
    by: str,
    now: datetime,
) -> PlannedOutageRow:
    """The outage's incident (its primary the outage's own order) and its window and area;
    ``ids`` are the outage's and its incident's."""
    outage_id, incident_id = ids
    keys = outages.keys_of(window.communities)
    session.add(
        IncidentRow(
            incident_id=incident_id,
            rule=outages.RULE,
            cluster_key=f"{outages.RULE}:{outage_id}",
            primary_order_id=order_id,
            category=outages.CATEGORY,
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
