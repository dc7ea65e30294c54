"""An incident's deadlines: sign-for, on-site and resolution deadlines run on its primary order
only; a linked order keeps just its own reply deadline (a 12345 order's platform deadline
included), so cards and escalations happen once per incident. A split order gets the department
deadlines back, timed from its own reception."""

from collections.abc import Sequence

from services.sla.config import SlaDeps
from services.sla.domain import DEPARTMENT_DEADLINES
from services.sla.handlers.orders import restart
from services.sla.store import DeadlineRepository, OrderRepository
from shared.contracts import Event, OrderLinked, OrderSplit
from shared.unit_of_work import UnitOfWork

NONE: Sequence[Event] = ()


async def order_linked(event: OrderLinked, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    deadlines = DeadlineRepository(uow.session)
    await deadlines.close(event.order_id, (*DEPARTMENT_DEADLINES, "appointment"))
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    if order is not None:
        await orders.change(
            event.order_id,
            state="linked",
            department=event.payload.department or order.department,
            assignee_id=event.payload.assignee_id,
        )
    return NONE


async def order_split(event: OrderSplit, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    if order is None:
        return NONE
    if not await DeadlineRepository(uow.session).open_of(event.order_id, DEPARTMENT_DEADLINES):
        # Linked on arrival, so its department deadlines never started: they start now, from
        # the caller's own reception time (the caller has been waiting since then).
        await restart(uow, deps, order, DEPARTMENT_DEADLINES, order.received_at, None, None)
    if order.state == "linked":
        await orders.change(event.order_id, state="received")
    return NONE
