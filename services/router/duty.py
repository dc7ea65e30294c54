"""The duty room's read of the router (``GET /v1/duty/orders``): who holds each open order and
how far up the escalation chain it has gone, and how often 12345 has chased it. The SLA service
knows an order's clocks; only the router knows its step, so the console joins the two."""

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.router.domain.lifecycle import CLOSED, LINKED
from services.router.store import RoutedOrder
from shared.clock import to_local

# Past the A and B posts, and not where it was first sent (at night the first holder may be the
# team's duty person): nobody signed in time, and the chain has woken someone further up.
ESCALATED = ("TEAM_DUTY", "DEPT_DUTY", "HEAD")


class DutyOrder(BaseModel):
    order_id: str
    state: str
    department: str
    assignee_id: str
    chain_position: str = Field(description="The escalation step: A, B, TEAM_DUTY, DEPT_DUTY, HEAD")
    escalated: bool
    acknowledged: bool
    ack_due: str = Field(description="The current holder's 签收时限 (Beijing time)")
    major: bool
    priority: str
    urge_count: int = Field(0, description="12345 催办 on the order so far")
    supervise_count: int = Field(0, description="12345 督办 on the order so far")


async def duty_orders(session: AsyncSession, asked: set[str], limit: int) -> list[DutyOrder]:
    """Open orders escalated past the A/B posts or chased by 12345 (催办, 督办), and any asked
    for by id."""
    wanted: ColumnElement[bool] = or_(
        and_(RoutedOrder.chain_position.in_(ESCALATED), RoutedOrder.assignment_id > 1),
        RoutedOrder.urge_count > 0,
        RoutedOrder.supervise_count > 0,
    )
    if asked:
        wanted = or_(wanted, RoutedOrder.order_id.in_(asked))
    query = (
        select(RoutedOrder)
        .where(RoutedOrder.state.not_in((*CLOSED, LINKED)), wanted)
        .order_by(RoutedOrder.ack_due)
        .limit(limit)
    )
    rows = list(await session.scalars(query))
    return [
        DutyOrder(
            order_id=r.order_id,
            state=r.state,
            department=r.department,
            assignee_id=r.assignee_id,
            chain_position=r.chain_position,
            escalated=r.chain_position in ESCALATED and r.assignment_id > 1,
            acknowledged=r.state != "dispatched",
            ack_due=to_local(r.ack_due).isoformat(),
            major=r.major,
            priority=r.priority,
            urge_count=r.urge_count or 0,
            supervise_count=r.supervise_count or 0,
        )
        for r in rows
    ]
