"""An incident's orders in the router's database: attach a linked order to the incident's
assignment, split one off, resolve them all with the incident, and tell each person of a major
event once per incident. The decisions are in ``incidents.py`` (pure)."""

from collections.abc import Sequence
from datetime import datetime

from services.router.domain import chain as domain
from services.router.domain import incidents, lifecycle
from services.router.store import MajorNotice, RoutedOrder, RoutingRepository
from shared.contracts import (
    DuplicateLinked,
    Event,
    MajorEventRaised,
    OrderLinked,
    OrderLinkedPayload,
    OrderReceived,
    OrderReceivedPayload,
    OrderResolved,
    OrderResolvedPayload,
    OrderSplit,
    OrderSplitPayload,
)

P = domain.PRODUCER


def arrives_linked(order_id: str, order: OrderReceivedPayload) -> bool:
    return bool(order.incident_id and order.primary_order_id not in (None, order_id))


def primary_of(row: RoutedOrder | None) -> incidents.Primary:
    if row is None:
        return incidents.Primary(order=None)
    return incidents.Primary(
        order=OrderReceivedPayload.model_validate(row.order),
        resolved=row.state == lifecycle.RESOLVED,
    )


def attach_new(
    repo: RoutingRepository, event: OrderReceived, primary: RoutedOrder | None, now: datetime
) -> list[Event]:
    """A new order linked on arrival rides on the incident's assignment: no dispatch, no
    acknowledgement clock, no major event of its own."""
    order = event.payload
    assert order.incident_id is not None and order.primary_order_id is not None
    if primary is not None:
        primary.incident_id = primary.incident_id or order.incident_id
    repo.add(
        RoutedOrder(
            order_id=event.order_id,
            category=order.category,
            priority=order.priority,
            state=incidents.LINKED,
            department=primary.department if primary else "",
            grid=primary.grid if primary else None,
            assignee_id=primary.assignee_id if primary else "",
            chain_position=primary.chain_position if primary else "A",
            assignment_id=0,
            ack_due=now,
            received_at=order.received_at,
            order=order.model_dump(mode="json"),
            returns=0,
            major=False,
            deadline=None,
            extension_days=0,
            updated_at=now,
            incident_id=order.incident_id,
            primary_order_id=order.primary_order_id,
        )
    )
    return [_linked(event.order_id, order.incident_id, order.primary_order_id, primary, now)]


async def link_existing(
    event: DuplicateLinked, repo: RoutingRepository, now: datetime
) -> list[Event]:
    """An order already dispatched on its own that intake links to an incident afterwards (the
    incident opened after it): attached unless the split rule keeps it apart."""
    row = await repo.get_for_update(event.order_id)
    link = event.payload
    if row is None or row.primary_order_id is not None or row.order_id == link.primary_order_id:
        return []  # linked on arrival already (or the primary itself): nothing new
    primary = await repo.get(link.primary_order_id)
    if primary is not None:
        primary.incident_id = primary.incident_id or link.incident_id
    row.incident_id, row.primary_order_id, row.updated_at = (
        link.incident_id,
        link.primary_order_id,
        now,
    )
    if row.state == lifecycle.RESOLVED:
        row.split_rule = "incident_closed"
        return []  # already answered on its own
    split = incidents.split_rule(
        OrderReceivedPayload.model_validate(row.order), primary_of(primary)
    )
    if split is not None:
        row.split_rule = split.rule
        return [split_event(row.order_id, link.incident_id, link.primary_order_id, split, now)]
    row.state = incidents.LINKED
    if primary is not None:
        row.department, row.assignee_id = primary.department, primary.assignee_id
    return [_linked(row.order_id, link.incident_id, link.primary_order_id, primary, now)]


def adopt_early_links(primary: RoutedOrder, early: Sequence[RoutedOrder]) -> None:
    """Linked orders that reached the router before their primary (other partitions) take the
    primary's department and assignee once it is dispatched."""
    for row in early:
        primary.incident_id = primary.incident_id or row.incident_id
        if row.state == incidents.LINKED:
            row.department, row.assignee_id = primary.department, primary.assignee_id
            row.grid, row.chain_position = primary.grid, primary.chain_position


def follow_primary(primary: RoutedOrder, linked: Sequence[RoutedOrder]) -> None:
    """After a re-dispatch of the primary, its linked orders show under the new assignee."""
    adopt_early_links(primary, linked)


def split_event(
    order_id: str,
    incident_id: str,
    primary_order_id: str,
    split: incidents.Split,
    now: datetime,
    by: str = P,
) -> OrderSplit:
    return OrderSplit(
        order_id=order_id,
        occurred_at=now,
        producer=P,
        payload=OrderSplitPayload(
            incident_id=incident_id,
            primary_order_id=primary_order_id,
            rule=split.rule,
            reason=split.reason,
            by=by,
        ),
    )


def _linked(
    order_id: str,
    incident_id: str,
    primary_order_id: str,
    primary: RoutedOrder | None,
    now: datetime,
) -> OrderLinked:
    return OrderLinked(
        order_id=order_id,
        occurred_at=now,
        producer=P,
        payload=OrderLinkedPayload(
            incident_id=incident_id,
            primary_order_id=primary_order_id,
            department=primary.department if primary else None,
            assignee_id=primary.assignee_id if primary else None,
        ),
    )


async def cascade_resolution(
    repo: RoutingRepository, primary: RoutedOrder, resolved: OrderResolved, now: datetime
) -> list[Event]:
    """Resolving the incident resolves every order riding on it with the incident's result:
    each gets its own ``OrderResolved`` (its caller's reply, its clocks, its timeline)."""
    out: list[Event] = []
    for row in await repo.linked_to(primary.order_id, incidents.LINKED):
        row.state, row.updated_at = lifecycle.RESOLVED, now
        payload = resolved.payload.model_copy(
            update={
                "incident_id": row.incident_id,
                "cascaded_from": primary.order_id,
                "assignment_id": None,
            }
        )
        out.append(
            OrderResolved(
                order_id=row.order_id,
                occurred_at=now,
                producer=P,
                payload=OrderResolvedPayload.model_validate(payload.model_dump()),
                causation_id=resolved.event_id,
            )
        )
    return out


async def tell_once(
    repo: RoutingRepository, key: str, raised: MajorEventRaised, now: datetime
) -> MajorEventRaised | None:
    """The event naming only those not yet told of this incident, or None when all were."""
    told = await repo.told(key)
    fresh = incidents.still_to_tell(raised.payload.notify, told)
    if not fresh:
        return None
    record(repo, key, fresh, raised, now)
    payload = raised.payload.model_copy(update={"notify": fresh})
    return raised.model_copy(update={"payload": payload})


def record(
    repo: RoutingRepository,
    key: str,
    recipients: Sequence[str],
    raised: MajorEventRaised,
    now: datetime,
) -> None:
    for person in recipients:
        repo.add(
            MajorNotice(
                key=key,
                recipient=person,
                order_id=raised.order_id,
                reason=raised.payload.reason,
                at=now,
            )
        )
