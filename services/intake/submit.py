"""Receiving one order: enrich it (grid, care), store it once, cluster it with its look-alikes.

Everything happens in the caller's transaction: the order row, its incident, its timeline and
the events it causes (``OrderReceived``, ``DuplicateLinked``, ``MajorEventRaised``) commit
together or not at all.
"""

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import announced_outages, care, grids, incidents, phones
from services.intake.domain import PRODUCER, NormalizedOrder, new_order_id, received_event
from services.intake.metrics import (
    DUPLICATES_LINKED,
    MAJOR_EVENTS,
    SPECIAL_CARE,
    UNCLASSIFIED,
    UNMATCHED_ADDRESSES,
)
from services.intake.people import named_worker
from services.intake.queues import CareRepository
from services.intake.rules import IntakeRules
from services.intake.store import (
    ClusterQueries,
    IncidentRow,
    Lookalike,
    OrderRepository,
    OrderRow,
)
from services.intake.taxonomy import UNCLASSIFIED as UNCLASSIFIED_CODE
from services.intake.taxonomy import Taxonomy
from shared.contracts import (
    DuplicateLinked,
    DuplicateLinkedPayload,
    MajorEventRaised,
    MajorEventRaisedPayload,
    OrderEvent,
)
from shared.organisation import Organisation


@dataclass(frozen=True)
class IntakeDeps:
    org: Organisation
    taxonomy: Taxonomy
    rules: IntakeRules


@dataclass(frozen=True)
class Submitted:
    order_id: str
    created: bool
    category: str = ""
    incident_id: str | None = None
    events: tuple[OrderEvent, ...] = ()


async def enrich(
    session: AsyncSession, order: NormalizedOrder, deps: IntakeDeps
) -> NormalizedOrder:
    """Grid of the address (or account number), and the care register's mark."""
    p = order.payload
    match = grids.match_grid(deps.org, p.category, p.address, p.account_no, p.grid_hint)
    update: dict[str, object] = {"grid_hint": match.grid, "grid_matched": match.matched}
    if match.community_key and not p.address.community:
        known = grids.known_community(deps.org, p.address)
        update["address"] = p.address.model_copy(update={"community": known})
    entries = await CareRepository(session).active_for(order.caller.phone, match.community_key)
    entry = care.find_entry(
        [
            care.CareEntry(e.id, e.phone, e.community_key, e.building, e.unit, e.room, e.reason)
            for e in entries
        ],
        order.caller.phone,
        p.address,
    )
    if entry is not None:
        update |= {"special_care": True, "priority": care.raised(p.priority, deps.rules.care)}
    if p.named_worker_id is None:
        update["named_worker_id"] = named_worker(deps.org, p.category, p.title, p.content)
    return NormalizedOrder(
        source=order.source,
        source_ref=order.source_ref,
        payload=p.model_copy(update=update),
        caller=order.caller,
        raw=order.raw,
        classified_by=order.classified_by,
        major_event=order.major_event,
    )


async def submit_order(
    session: AsyncSession, order: NormalizedOrder, now: datetime, deps: IntakeDeps
) -> Submitted:
    """Stores a new order and returns the events it causes, or finds the first one with the
    same source number (the same order pushed twice is one order). The caller adds the events
    to the outbox in the same transaction."""
    repo = OrderRepository(session)
    existing = await repo.by_source_ref(order.source, order.source_ref)
    if existing is not None:
        return Submitted(existing.order_id, False, existing.category, existing.incident_id)
    order = await enrich(session, order, deps)
    p = order.payload
    order_id = new_order_id(now)
    match_key = grids.match_grid(deps.org, p.category, p.address).community_key
    row = OrderRow(
        order_id=order_id,
        source=order.source,
        source_ref=order.source_ref,
        category=p.category,
        priority=p.priority,
        caller_name=order.caller.name,
        caller_phone=order.caller.phone,
        confidential=order.caller.confidential,
        received_at=p.received_at,
        created_at=now,
        state="received",
        canonical=p.model_dump(mode="json"),
        raw=order.raw,
        community_key=match_key,
        grid=p.grid_hint,
        grid_matched=p.grid_matched,
        special_care=p.special_care,
        reply_cycle=0,
    )
    if not await repo.add(row):
        raced = await repo.by_source_ref(order.source, order.source_ref)
        if raced is None:  # pragma: no cover - the unique key can only clash with a stored row
            raise RuntimeError("order vanished after a unique-key clash")
        return Submitted(raced.order_id, False, raced.category, raced.incident_id)
    _count(order)
    events: list[OrderEvent] = [received_event(order_id, order, now)]
    # A call in an announced outage's window joins its incident; else it meets its look-alikes.
    planned = await announced_outages.link_to_announced(session, row, deps.rules, now)
    events += planned or await _cluster(session, row, now, deps)
    if order.major_event:
        MAJOR_EVENTS.labels("reported").inc()
        events.append(_major(order_id, order.major_event, p.category, None, now, deps))
    return Submitted(order_id, True, p.category, row.incident_id, tuple(events))


def _count(order: NormalizedOrder) -> None:
    if order.payload.grid_matched is False:
        UNMATCHED_ADDRESSES.labels(order.source).inc()
    if order.payload.category == UNCLASSIFIED_CODE:
        UNCLASSIFIED.labels(order.source).inc()
    if order.payload.special_care:
        SPECIAL_CARE.labels(order.source).inc()


_CLUSTER_LOCKS = 0x696E  # the advisory-lock namespace for clustering ("in")


async def _serialise_lookalikes(session: AsyncSession, keys: list[str]) -> None:
    """Two look-alikes arriving at once (HTTP and the raw topic) must not open two incidents.
    SQLite already serialises writers; PostgreSQL takes a transaction lock per community and
    caller, in a fixed order, held until commit."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        number = zlib.crc32(key.encode())
        signed = number - 2**32 if number >= 2**31 else number
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": _CLUSTER_LOCKS, "key": signed}
        )


async def _cluster(
    session: AsyncSession, row: OrderRow, now: datetime, deps: IntakeDeps
) -> list[OrderEvent]:
    rules = deps.rules.clustering
    await _serialise_lookalikes(
        session,
        [
            k
            for k in (
                row.community_key and f"c:{row.community_key}",
                row.caller_phone and f"p:{phones.digits(row.caller_phone)}",
            )
            if k
        ],
    )
    queries = ClusterQueries(session)
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
    ids = {o.incident_id for o in (*same_caller, *same_area) if o.incident_id}
    open_incidents = {i.incident_id: i for i in await queries.incidents(ids)}
    decision = incidents.cluster(
        _member(row),
        [incidents.Member(*o) for o in same_caller],
        [incidents.Member(*o) for o in same_area],
        {
            k: incidents.OpenIncident(
                k, i.primary_order_id, i.members, i.major_raised_at is not None
            )
            for k, i in open_incidents.items()
        },
        incidents.new_incident_id(now),
    )
    if decision is None:
        return []
    label = deps.taxonomy.label(row.category)
    incident = open_incidents.get(decision.incident_id)
    if incident is None:
        incident = IncidentRow(
            incident_id=decision.incident_id,
            rule=decision.rule,
            cluster_key=f"{decision.rule}:{row.community_key or row.category}",
            primary_order_id=decision.primary_order_id,
            category=row.category,
            community_key=row.community_key,
            opened_at=now,
            last_received_at=at,
            members=1,
            major_raised_at=None,
        )
        session.add(incident)
        primary = await OrderRepository(session).get(decision.primary_order_id)
        if primary is not None:
            primary.incident_id = incident.incident_id
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
            DuplicateLinked(
                order_id=order_id,
                occurred_at=now,
                producer=PRODUCER,
                payload=DuplicateLinkedPayload(
                    incident_id=incident.incident_id,
                    primary_order_id=incident.primary_order_id,
                    reason=reason,
                ),
            )
        )
    incident.last_received_at = max(incident.last_received_at, at)
    if incidents.raises_major_event(
        await _distinct_callers(queries, incident, rules.major_event_members),
        rules.major_event_members,
        incident.major_raised_at is not None,
    ):
        incident.major_raised_at = now
        MAJOR_EVENTS.labels("threshold").inc()
        community = row.canonical.get("address", {}).get("community")
        events.append(
            _major(
                incident.primary_order_id,
                incidents.major_reason(incident.members, community, label),
                row.category,
                incident.incident_id,
                now,
                deps,
            )
        )
    await session.flush()
    return events


async def _distinct_callers(queries: ClusterQueries, incident: IncidentRow, threshold: int) -> int:
    """One caller ringing ten times is not a major event; ten households are."""
    if incident.major_raised_at is not None or incident.members < threshold:
        return incident.members
    await queries.session.flush()
    members = await queries.members(incident.incident_id)
    return incidents.distinct_callers(
        [(m.order_id, phones.digits(m.caller_phone) or None) for m in members]
    )


def _member(row: OrderRow) -> incidents.Member:
    return incidents.Member(row.order_id, row.received_at, row.incident_id)


def _major(
    order_id: str,
    reason: str,
    category: str,
    incident_id: str | None,
    now: datetime,
    deps: IntakeDeps,
) -> MajorEventRaised:
    owner = grids.owning_department(deps.org, category)
    told = [d for d in (owner, deps.rules.major_event_department) if d]
    heads = tuple(dict.fromkeys(deps.org.department(d).head for d in told if _known(deps, d)))
    return MajorEventRaised(
        order_id=order_id,
        occurred_at=now,
        producer=PRODUCER,
        payload=MajorEventRaisedPayload(
            reason=reason, department=owner, notify=heads, incident_id=incident_id
        ),
    )


def _known(deps: IntakeDeps, department: str) -> bool:
    return any(d.code == department for d in deps.org.departments)
