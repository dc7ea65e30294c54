"""What an order's life does to its deadlines: received (they start), dispatched (a chain
deadline per assignment, fresh ones for a department receiving a returned order), signed for,
returned, resolved (they stop), reopened (fresh resolution and reply deadlines) and withdrawn
(every one stops)."""

from collections.abc import Sequence
from datetime import datetime

from services.sla import domain, metrics
from services.sla.config import SlaDeps
from services.sla.domain import DEPARTMENT_DEADLINES
from services.sla.domain.limits import LimitName
from services.sla.domain.numbers import dept_label
from services.sla.handlers.resolve import opened, resolve_moved, resolve_set
from services.sla.store import (
    APPOINTMENT,
    CARD,
    CHAIN,
    FIRED,
    DeadlineRepository,
    Order,
    OrderRepository,
    ShareRepository,
)
from shared.contracts import (
    Event,
    OrderAcknowledged,
    OrderDispatched,
    OrderReceived,
    OrderReopened,
    OrderResolved,
    OrderReturned,
    OrderWithdrawn,
)
from shared.unit_of_work import UnitOfWork

NONE: Sequence[Event] = ()
WITHDRAWN = "withdrawn"


async def order_received(event: OrderReceived, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
    order = event.payload
    new = await OrderRepository(uow.session).add_new(
        {
            "order_id": event.order_id,
            "source": order.source,
            "category": order.category,
            "category_label": order.category_label,
            "priority": order.priority,
            "needs_reply": order.needs_reply,
            "state": "linked" if order.incident_id else "received",
            "acknowledged": False,
            "received_at": order.received_at,
            "platform_deadline": order.platform_deadline,
            "appointment_at": order.appointment_at,
        }
    )
    if not new:
        return NONE
    limits = deps.policies.limits_for(order.source, order.category, order.priority)
    made = [
        d
        for d in domain.opening_deadlines(
            limits,
            order.received_at,
            order.platform_deadline,
            order.needs_reply,
            deps.calendar,
            deps.warning,
        )
        # Linked on arrival: the incident's deadlines run on its primary.
        if not (order.incident_id and d.kind in DEPARTMENT_DEADLINES)
    ]
    if order.appointment_at is not None and not order.incident_id:
        made.append(
            domain.NewDeadline(kind="appointment", due=order.appointment_at, purpose=APPOINTMENT)
        )
    await DeadlineRepository(uow.session).open(event.order_id, made, uow.now)
    # A new order had no 办结时限: the one just opened is said as it stands.
    resolve = opened(made)
    return [resolve_set(event.order_id, resolve, uow.now)] if resolve is not None else NONE


async def order_dispatched(
    event: OrderDispatched, uow: UnitOfWork, deps: SlaDeps
) -> Sequence[Event]:
    d = event.payload
    deadlines = DeadlineRepository(uow.session)
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    # A new assignment replaces the old one's acknowledgement deadline (the router's chain).
    await deadlines.close_chain(event.order_id)
    chain = domain.NewDeadline(
        kind="acknowledge",
        purpose=CHAIN,
        due=d.ack_due,
        assignment_id=d.assignment_id,
        department=d.department,
        assignee_id=d.assignee_id,
    )
    await deadlines.open(event.order_id, [chain], uow.now)
    if order is None:
        return NONE  # dispatched before we saw it received: only the chain deadline can run
    await _hand_over(ShareRepository(uow.session), event)
    said = NONE  # the 办结时限 moves only for a returned order
    if order.state == "returned":
        # The receiving department gets its own deadlines: the first one's time is not its.
        before = await deadlines.resolve_due(event.order_id)
        made = await restart(
            uow, deps, order, DEPARTMENT_DEADLINES, event.occurred_at, d.department, d.assignee_id
        )
        due_before = before.due_at if before is not None else None
        said = resolve_moved(event.order_id, due_before, opened(made), uow.now)
    await deadlines.hand_to(event.order_id, d.department, d.assignee_id)  # red cards name them
    await orders.change(
        event.order_id,
        state="dispatched",
        department=d.department,
        assignee_id=d.assignee_id,
        assignment_id=d.assignment_id,
        acknowledged=False,
        first_dispatched_at=order.first_dispatched_at or event.occurred_at,
    )
    return said


async def _hand_over(shares: ShareRepository, event: OrderDispatched) -> None:
    """A department's share of the order's time starts (and another's ends) when it moves."""
    department = event.payload.department
    share = await shares.current(event.order_id)
    moved = share is not None and share[1] != department
    if share is not None and moved:
        await shares.end(share[0], event.occurred_at, "redispatched")
    if share is None or moved:
        await shares.start(event.order_id, department, event.occurred_at)


async def restart(
    uow: UnitOfWork,
    deps: SlaDeps,
    order: Order,
    kinds: Sequence[LimitName],
    start: datetime,
    department: str | None,
    assignee_id: str | None,
) -> list[domain.NewDeadline]:
    """The order's card deadlines of ``kinds`` start afresh from ``start``; those it opened."""
    deadlines = DeadlineRepository(uow.session)
    limits = deps.policies.limits_for(order.source, order.category, order.priority)
    await deadlines.close(order.order_id, tuple(kinds), (CARD,))
    made = [
        domain.restarted(
            kind,
            limits,
            start,
            deps.calendar,
            deps.warning,
            order.platform_deadline,
            department,
            assignee_id,
        )
        for kind in kinds
    ]
    opening = [m for m in made if m is not None]
    await deadlines.open(order.order_id, opening, uow.now)
    return opening


async def order_acknowledged(
    event: OrderAcknowledged, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    ack = event.payload
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    if order is not None and order.assignment_id not in (None, ack.assignment_id):
        return NONE  # a stale acknowledgement of an earlier assignment
    await DeadlineRepository(uow.session).close(event.order_id, ("acknowledge",))
    if order is not None:
        await orders.change(
            event.order_id,
            acknowledged=True,
            state="acknowledged",
            acknowledged_at=order.acknowledged_at or event.occurred_at,
        )
    return NONE


async def order_returned(event: OrderReturned, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    deadlines = DeadlineRepository(uow.session)
    if event.payload.to_platform:
        # 12345 took its order back (our 退单, approved): over here, like a 撤单 — every clock
        # stops, no reply is owed, and nothing counts against anyone.
        await deadlines.close(event.order_id)
        await ShareRepository(uow.session).end_current(
            event.order_id, event.occurred_at, "returned"
        )
        await OrderRepository(uow.session).change(event.order_id, state=WITHDRAWN)
        return NONE
    # The returning department's own deadlines stop; the utility's reply deadline runs on.
    await deadlines.close(event.order_id, DEPARTMENT_DEADLINES)
    await deadlines.close(event.order_id, ("appointment", "promise"))
    await ShareRepository(uow.session).end_current(event.order_id, event.occurred_at, "returned")
    # An order not known here is no row: nothing is set.
    await OrderRepository(uow.session).change(event.order_id, state="returned", acknowledged=False)
    return NONE


async def order_resolved(event: OrderResolved, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    deadlines = DeadlineRepository(uow.session)
    resolution = await deadlines.open_of(event.order_id, ("resolve",))
    if resolution:
        on_time = all(event.occurred_at <= r.due_at for r in resolution)
    else:  # on time unless its last resolution deadline gave a red card
        latest = await deadlines.latest_of(event.order_id, "resolve")
        on_time = latest is None or latest.state != FIRED
    await deadlines.close(event.order_id, (*DEPARTMENT_DEADLINES, "appointment", "promise"))
    await ShareRepository(uow.session).end_current(event.order_id, event.occurred_at, "resolved")
    if order is not None:
        await orders.change(
            event.order_id, state="resolved", resolved_at=event.occurred_at, on_time=on_time
        )
        metrics.RESOLVED.labels(dept_label(order.department), "yes" if on_time else "no").inc()
        if not order.needs_reply:
            await deadlines.close(event.order_id)
    return NONE


async def order_reopened(event: OrderReopened, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    if order is None:
        return NONE
    if order.state == WITHDRAWN:
        return NONE
    await orders.change(order.order_id, state="reopened", resolved_at=None, on_time=None)
    # A reopened order gets fresh resolution and reply deadlines: the policy's full limits,
    # capped by the platform's new 办理时限 when its 重办 gives one. The first round's passed
    # platform deadline would only red-card it at once, so it no longer counts.
    limits = deps.policies.limits_for(order.source, order.category, order.priority)
    kinds: tuple[LimitName, ...] = ("resolve", "reply") if order.needs_reply else ("resolve",)
    made = [
        d
        for kind in kinds
        if (
            d := domain.restarted(
                kind,
                limits,
                event.occurred_at,
                deps.calendar,
                deps.warning,
                event.payload.deadline,
                order.department,
                order.assignee_id,
            )
        )
        is not None
    ]
    deadlines = DeadlineRepository(uow.session)
    await deadlines.close(order.order_id, ("reply",))  # the first round's, if still open
    await deadlines.open(order.order_id, made, uow.now)
    return NONE


async def order_withdrawn(
    event: OrderWithdrawn, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    """撤单: every clock stops, and the order counts for nothing (no card can fire)."""
    await DeadlineRepository(uow.session).close(event.order_id)
    await ShareRepository(uow.session).end_current(event.order_id, event.occurred_at, "withdrawn")
    await OrderRepository(uow.session).change(event.order_id, state=WITHDRAWN)
    return NONE
