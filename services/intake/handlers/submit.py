"""Receiving one order: enrich it (grid, care), store it once, cluster it with its look-alikes.

Everything happens in the caller's transaction: the order row, its incident, its timeline and
the events it causes (``OrderReceived``, ``DuplicateLinked``, ``MajorEventRaised``) commit
together or not at all.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain import care, grids
from services.intake.domain.normalize import NormalizedOrder, new_order_id, received_event
from services.intake.domain.people import named_worker
from services.intake.domain.taxonomy import UNCLASSIFIED as UNCLASSIFIED_CODE
from services.intake.handlers.clustering import cluster as cluster_with_lookalikes
from services.intake.handlers.clustering import major_event
from services.intake.metrics import (
    MAJOR_EVENTS,
    SPECIAL_CARE,
    UNCLASSIFIED,
    UNMATCHED_ADDRESSES,
)
from services.intake.store import CareRepository, OrderRepository
from shared.contracts import (
    DuplicateLinked,
    OrderEvent,
    OrderReceived,
)


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
    entry = care.find_entry(entries, order.caller.phone, p.address)
    if entry is not None:
        rules = deps.rules.care
        raised = care.raised(p.priority, rules.raise_steps, rules.floor)
        update |= {"special_care": True, "priority": raised}
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
    session: AsyncSession,
    order: NormalizedOrder,
    now: datetime,
    deps: IntakeDeps,
    cluster: bool = True,
) -> Submitted:
    """Stores a new order and returns the events it causes, or finds the first one with the
    same source number (the same order pushed twice is one order). The caller adds the events
    to the outbox in the same transaction.

    The insert itself tells a new source key from a known one (``ON CONFLICT DO NOTHING``):
    a new order costs no read before it, a resend is read after it."""
    repo = OrderRepository(session)
    order = await enrich(session, order, deps)
    p = order.payload
    order_id = new_order_id(now, deps.tail(4))
    row = await repo.add(_columns(order_id, order, now, grids.address_key(deps.org, p.address)))
    if row is None:
        known = await repo.by_source_ref(order.source, order.source_ref)
        if known is None:  # pragma: no cover - the unique key can only clash with a stored row
            raise RuntimeError("order vanished after a unique-key clash")
        return Submitted(known.order_id, False, known.category, known.incident_id)
    _count(order)
    received = received_event(order_id, order, now)
    clustered = await cluster_with_lookalikes(session, row, now, deps) if cluster else []
    events: list[OrderEvent] = [_linked_on_arrival(received, clustered), *clustered]
    if order.major_event:
        MAJOR_EVENTS.labels("reported").inc()
        events.append(major_event(order_id, order.major_event, p.category, None, now, deps))
    return Submitted(order_id, True, p.category, row.incident_id, tuple(events))


def _columns(
    order_id: str, order: NormalizedOrder, now: datetime, match_key: str | None
) -> dict[str, Any]:
    """Every column of the new order's row (a Core insert applies no Python-side default)."""
    p = order.payload
    return dict(
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
        incident_id=None,
        handling_department=None,
        assignee_id=None,
        reply_cycle=0,
    )


def _linked_on_arrival(received: OrderReceived, clustered: list[OrderEvent]) -> OrderReceived:
    """An order linked to an incident as it arrives says so in its ``OrderReceived``: the
    router attaches it to the incident instead of dispatching it, and the SLA service starts
    only its reply clock."""
    link = next(
        (
            e
            for e in clustered
            if isinstance(e, DuplicateLinked) and e.order_id == received.order_id
        ),
        None,
    )
    if link is None:
        return received
    payload = received.payload.model_copy(
        update={
            "incident_id": link.payload.incident_id,
            "primary_order_id": link.payload.primary_order_id,
        }
    )
    return received.model_copy(update={"payload": payload})


def _count(order: NormalizedOrder) -> None:
    if order.payload.grid_matched is False:
        UNMATCHED_ADDRESSES.labels(order.source).inc()
    if order.payload.category == UNCLASSIFIED_CODE:
        UNCLASSIFIED.labels(order.source).inc()
    if order.payload.special_care:
        SPECIAL_CARE.labels(order.source).inc()
