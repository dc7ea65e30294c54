"""Clustering a stored order with its look-alikes (or a planned outage) into an incident, in
the caller's transaction; the decisions are in ``domain/incidents.py`` and ``domain/outages.py``."""

import zlib
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import ClusteringRules, IntakeDeps
from services.intake.domain import grids, incidents, outages, phones
from services.intake.domain.normalize import PRODUCER
from services.intake.metrics import DUPLICATES_LINKED, MAJOR_EVENTS
from services.intake.store import ClusterQueries, IncidentRow, Lookalike, OrderRepository, OrderRow
from shared.contracts import (
    DuplicateLinked,
    DuplicateLinkedPayload,
    MajorEventRaised,
    MajorEventRaisedPayload,
    OrderEvent,
)
from shared.contracts.envelopes import envelope

_CLUSTER_LOCKS = 0x696E  # the advisory-lock namespace for clustering ("in")
_LOCK_ALL = text(
    "SELECT pg_advisory_xact_lock(:ns, key) FROM unnest(CAST(:keys AS integer[])) AS key"
)


async def _serialise_lookalikes(session: AsyncSession, row: OrderRow) -> None:
    """Two look-alikes arriving at once (HTTP and the raw topic) must not open two incidents.
    SQLite already serialises writers; PostgreSQL takes a transaction lock per community and
    caller, in a fixed order, held until commit."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = [
        k
        for k in (
            row.community_key and f"c:{row.community_key}",
            row.caller_phone and f"p:{phones.digits(row.caller_phone)}",
        )
        if k
    ]
    numbers = []
    for key in sorted(set(keys)):
        number = zlib.crc32(key.encode())
        numbers.append(number - 2**32 if number >= 2**31 else number)
    if numbers:
        # One round trip for both locks: unnest yields the array in order, so every
        # transaction takes them in the same order.
        await session.execute(_LOCK_ALL, {"ns": _CLUSTER_LOCKS, "keys": numbers})


async def cluster(
    session: AsyncSession, row: OrderRow, now: datetime, deps: IntakeDeps
) -> list[OrderEvent]:
    """The events of the order joining an incident (a planned outage first), or none."""
    rules = deps.rules.clustering
    await _serialise_lookalikes(session, row)
    planned = await planned_link(session, row, rules)
    if planned is not None:
        decision, incident = planned
        return await _link(session, row, now, deps, decision, {incident.incident_id: incident})
    queries = ClusterQueries(session)
    same_caller, same_area = await _lookalikes(queries, row, rules)
    ids = {o.incident_id for o in (*same_caller, *same_area) if o.incident_id}
    open_incidents = {i.incident_id: i for i in await queries.incidents(ids)}
    found = incidents.cluster(
        incidents.Member(row.order_id, row.received_at, row.incident_id),
        [incidents.Member(*o) for o in same_caller],
        [incidents.Member(*o) for o in same_area],
        {
            k: incidents.OpenIncident(
                k, i.primary_order_id, i.members, i.major_raised_at is not None
            )
            for k, i in open_incidents.items()
        },
        incidents.new_incident_id(now, deps.tail(3)),
    )
    if found is None:
        return []
    return await _link(session, row, now, deps, found, open_incidents)


async def _lookalikes(
    queries: ClusterQueries, row: OrderRow, rules: ClusteringRules
) -> tuple[list[Lookalike], list[Lookalike]]:
    """Earlier orders of the same caller and category, and of the same area group and community,
    within the windows."""
    at = row.received_at
    same_caller: list[Lookalike] = []
    if row.caller_phone:
        window = timedelta(hours=rules.same_caller_hours)
        same_caller = await queries.same_caller(
            phones.variants(row.caller_phone), row.category, at - window, at + window, row.order_id
        )
    same_area: list[Lookalike] = []
    group = rules.group_of(row.category)
    if group and row.community_key:
        window = timedelta(minutes=rules.area_minutes)
        same_area = await queries.same_area(
            row.community_key, rules.area_groups[group], at - window, at + window, row.order_id
        )
    return same_caller, same_area


async def planned_link(
    session: AsyncSession, row: OrderRow, rules: ClusteringRules
) -> tuple[incidents.ClusterDecision, IncidentRow] | None:
    """A supply-failure call from inside a planned outage's window and area joins it at once."""
    group = rules.group_of(outages.CATEGORY)
    if row.community_key is None or group is None or rules.group_of(row.category) != group:
        return None
    queries = ClusterQueries(session)
    outage = await queries.planned_outage_covering(row.community_key, row.received_at)
    if outage is None:
        return None
    incident = await queries.incident(outage.incident_id)
    if incident is None or incident.primary_order_id == row.order_id:
        return None
    decision = incidents.ClusterDecision(
        incident.incident_id, False, outages.RULE, incident.primary_order_id, (row.order_id,)
    )
    return decision, incident


async def _link(
    session: AsyncSession,
    row: OrderRow,
    now: datetime,
    deps: IntakeDeps,
    decision: incidents.ClusterDecision,
    open_incidents: dict[str, IncidentRow],
) -> list[OrderEvent]:
    """The order (and any loose look-alikes) joins the decided incident, opening it if new."""
    incident = open_incidents.get(decision.incident_id)
    if incident is None:
        incident = await _open_incident(session, row, now, decision)
    events: list[OrderEvent] = await _linked(session, row, now, deps, decision, incident)
    incident.last_received_at = max(incident.last_received_at, row.received_at)
    major = await _major_if_due(ClusterQueries(session), row, now, deps, incident)
    events += [major] if major is not None else []
    await session.flush()
    return events


async def _open_incident(
    session: AsyncSession, row: OrderRow, now: datetime, decision: incidents.ClusterDecision
) -> IncidentRow:
    incident = IncidentRow(
        incident_id=decision.incident_id,
        rule=decision.rule,
        cluster_key=f"{decision.rule}:{row.community_key or row.category}",
        primary_order_id=decision.primary_order_id,
        category=row.category,
        community_key=row.community_key,
        opened_at=now,
        last_received_at=row.received_at,
        members=1,
        major_raised_at=None,
    )
    session.add(incident)
    primary = await OrderRepository(session).get(decision.primary_order_id)
    if primary is not None:
        primary.incident_id = incident.incident_id
    return incident


async def _linked(
    session: AsyncSession,
    row: OrderRow,
    now: datetime,
    deps: IntakeDeps,
    decision: incidents.ClusterDecision,
    incident: IncidentRow,
) -> list[OrderEvent]:
    """Each order the decision links: into the incident, with its ``DuplicateLinked``."""
    rules = deps.rules.clustering
    label = deps.taxonomy.label(row.category)
    reason = incidents.link_reason(
        decision.rule, rules.same_caller_hours, rules.area_minutes, label
    )
    events: list[OrderEvent] = []
    for order_id in decision.link:
        linked = row if order_id == row.order_id else await OrderRepository(session).get(order_id)
        if linked is None:
            continue
        linked.incident_id = incident.incident_id
        incident.members += 1
        DUPLICATES_LINKED.labels(decision.rule).inc()
        events.append(
            envelope(
                DuplicateLinked,
                order_id,
                DuplicateLinkedPayload(
                    incident_id=incident.incident_id,
                    primary_order_id=incident.primary_order_id,
                    reason=reason,
                ),
                now,
                PRODUCER,
            )
        )
    return events


async def _major_if_due(
    queries: ClusterQueries, row: OrderRow, now: datetime, deps: IntakeDeps, incident: IncidentRow
) -> MajorEventRaised | None:
    """An incident of enough distinct callers is a major event, once (a planned outage never)."""
    threshold = deps.rules.clustering.major_event_members
    if incident.rule == outages.RULE or not incidents.raises_major_event(
        await _distinct_callers(queries, incident, threshold),
        threshold,
        incident.major_raised_at is not None,
    ):
        return None
    incident.major_raised_at = now
    MAJOR_EVENTS.labels("threshold").inc()
    community = row.canonical.get("address", {}).get("community")
    return major_event(
        incident.primary_order_id,
        incidents.major_reason(incident.members, community, deps.taxonomy.label(row.category)),
        row.category,
        incident.incident_id,
        now,
        deps,
    )


async def _distinct_callers(queries: ClusterQueries, incident: IncidentRow, threshold: int) -> int:
    """One caller ringing ten times is not a major event; ten households are."""
    if incident.major_raised_at is not None or incident.members < threshold:
        return incident.members
    await queries.session.flush()
    members = await queries.members(incident.incident_id)
    return incidents.distinct_callers(
        [(m.order_id, phones.digits(m.caller_phone) or None) for m in members]
    )


def major_event(
    order_id: str,
    reason: str,
    category: str,
    incident_id: str | None,
    now: datetime,
    deps: IntakeDeps,
) -> MajorEventRaised:
    """Intake says the order (or its incident) is a major event; the router tells the people
    (the owning head, 调度中心 for an incident), once per incident and recipient, because it
    also raises major events of its own for the same incident and keeps the record of who was
    told. ``notify`` stays empty here."""
    owner = grids.owning_department(deps.org, category)
    return envelope(
        MajorEventRaised,
        order_id,
        MajorEventRaisedPayload(
            reason=reason, department=owner, notify=(), incident_id=incident_id
        ),
        now,
        PRODUCER,
    )
