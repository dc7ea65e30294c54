"""An incident's clocks: sign-for, on-site and resolution clocks run on its primary order only;
a linked order keeps just its own reply clock (a 12345 order's platform deadline included), so
cards and escalations happen once per incident. A split order gets the department clocks back,
timed from its own reception."""

from services.sla.clocks import DEPARTMENT_CLOCKS, Clocks
from shared.contracts import OrderLinked, OrderSplit


async def linked(clocks: Clocks, event: OrderLinked) -> None:
    await clocks.deadlines.close(event.order_id, (*DEPARTMENT_CLOCKS, "appointment"))
    order = await clocks.orders.get(event.order_id)
    if order is not None:
        order.state = "linked"
        order.department = event.payload.department or order.department
        order.assignee_id = event.payload.assignee_id


async def split(clocks: Clocks, event: OrderSplit) -> None:
    order = await clocks.orders.get(event.order_id)
    if order is None:
        return
    if not await clocks.deadlines.open_of(event.order_id, DEPARTMENT_CLOCKS):
        # Linked on arrival, so its department clocks never started: they start now, from the
        # caller's own reception time (the caller has been waiting since then).
        await clocks.restart(order, DEPARTMENT_CLOCKS, order.received_at, None, None)
    order.state = "received" if order.state == "linked" else order.state
