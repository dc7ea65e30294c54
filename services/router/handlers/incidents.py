"""An incident's orders in the router's database: attach a linked order to the incident's
assignment, split one off (on arrival by the split rule, later by its assignee: ``split_off``),
resolve them all with the incident, and tell each person of a major event once per incident.
The decisions are in ``domain/incidents.py`` (pure)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.router.config import RouterDeps
from services.router.domain import chain, incidents, lifecycle
from services.router.domain.duty_days import with_team_duty
from services.router.domain.events import PRODUCER, dispatched, linked_event, split_event
from services.router.domain.refusals import NoSuchOrder, NotLinked
from services.router.handlers.commands import SplitOff
from services.router.store import (
    MajorNotice,
    RoutedOrder,
    RoutingRepository,
    assignment_row,
    current_roster,
    order_of,
)
from shared.contracts import (
    DuplicateLinked,
    Event,
    MajorEventRaised,
    OrderReceived,
    OrderReceivedPayload,
    OrderResolved,
    OrderResolvedPayload,
)
from shared.contracts.envelopes import envelope
from shared.labels import ORDER_STATES, label
from shared.unit_of_work import UnitOfWork


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


def _linked(
    order_id: str,
    incident_id: str,
    primary_order_id: str,
    primary: RoutedOrder | None,
    now: datetime,
) -> Event:
    department = primary.department if primary else None
    assignee = primary.assignee_id if primary else None
    return linked_event(order_id, incident_id, primary_order_id, department, assignee, now)


async def link_existing(
    event: DuplicateLinked, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    """An order already dispatched on its own that intake links to an incident afterwards (the
    incident opened after it): attached unless the split rule keeps it apart."""
    repo, now = RoutingRepository(uow.session), uow.now
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


def adopt_early_links(primary: dict[str, Any], early: Sequence[RoutedOrder]) -> None:
    """Linked orders that reached the router before their primary (other partitions) take the
    primary's department and assignee once it is dispatched (``primary``: its new row's
    columns, not yet inserted)."""
    for row in early:
        primary["incident_id"] = primary["incident_id"] or row.incident_id
        if row.state == incidents.LINKED:
            row.department, row.assignee_id = primary["department"], primary["assignee_id"]
            row.grid, row.chain_position = primary["grid"], primary["chain_position"]


def follow_primary(primary: RoutedOrder, linked: Sequence[RoutedOrder]) -> None:
    """After a re-dispatch of the primary, its linked orders show under the new assignee."""
    for row in linked:
        primary.incident_id = primary.incident_id or row.incident_id
        if row.state == incidents.LINKED:
            row.department, row.assignee_id = primary.department, primary.assignee_id
            row.grid, row.chain_position = primary.grid, primary.chain_position


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
            envelope(
                OrderResolved,
                row.order_id,
                OrderResolvedPayload.model_validate(payload.model_dump()),
                now,
                PRODUCER,
                cause=resolved.event_id,
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


async def split_off(command: SplitOff, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    """The incident's assignee (or their department's head) takes a linked order out of the
    incident: it is dispatched on its own like a new order."""
    repo, now, who, order_id = (
        RoutingRepository(uow.session),
        uow.now,
        command.who,
        command.order_id,
    )
    row = await repo.get_for_update(order_id)
    if row is None:
        raise NoSuchOrder(order_id)
    primary = await repo.get(row.primary_order_id) if row.primary_order_id else None
    lifecycle.may_act(who, primary.department if primary else row.department)
    if row.state != incidents.LINKED or row.primary_order_id is None or row.incident_id is None:
        raise NotLinked(f"不能拆单：工单当前状态为{label(ORDER_STATES, row.state)}", "state")
    order = order_of(row)
    roster = await current_roster(uow.session, deps)
    chosen = with_team_duty(chain.first_assignment(order, roster, deps.policy, now), roster, now)
    due = deps.policy.ack_due(order, now)
    row.state, row.split_rule, row.assignment_id = lifecycle.DISPATCHED, "assignee", 1
    row.department, row.grid, row.assignee_id = chosen.department, chosen.grid, chosen.assignee_id
    row.chain_position, row.ack_due, row.updated_at = chosen.position, due, now
    row.deadline = lifecycle.resolve_deadline(
        order.received_at, order.platform_deadline, deps.policy.resolve_working_days, deps.calendar
    )
    repo.add(assignment_row(order_id, 1, chosen, now, due))
    reason = incidents.Split("assignee", command.body.reason)
    by = who.subject or who.role
    return [
        split_event(order_id, row.incident_id, row.primary_order_id, reason, now, by),
        dispatched(order_id, 1, chosen, order, due, now, "manual"),
    ]
