"""Splitting a linked order off its incident (the assignee's decision, with a reason) and the
incident as the router holds it: the primary's assignment and the orders riding on it."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from services.router import linking
from services.router.api import RouterContext
from services.router.config import RouterDeps
from services.router.domain import chain as domain
from services.router.domain import incidents, lifecycle
from services.router.domain.lifecycle import Refused
from services.router.handlers import assignment_row, current_roster, order_of
from services.router.store import RoutingRepository
from shared.auth import Principal
from shared.contracts import Event
from shared.http import ApiError, PathKey, require
from shared.masking import StaffText


class SplitIn(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000, description="拆单理由")


class SplitOut(BaseModel):
    order_id: str
    events: list[str]


class RiderOut(BaseModel):
    order_id: str
    state: str
    split_rule: str | None


class IncidentOut(BaseModel):
    primary_order_id: str
    incident_id: str | None
    department: str
    assignee_id: str
    state: str
    callers: int
    orders: list[RiderOut]


async def split(
    session: AsyncSession,
    who: Principal,
    order_id: str,
    body: SplitIn,
    now: datetime,
    deps: RouterDeps,
) -> Sequence[Event]:
    """The incident's assignee (or their department's head) takes a linked order out of the
    incident: it is dispatched on its own like a new order."""
    repo = RoutingRepository(session)
    row = await repo.get_for_update(order_id)
    if row is None:
        raise Refused(404, "not_found", f"no order {order_id}", "order_id")
    primary = await repo.get(row.primary_order_id) if row.primary_order_id else None
    lifecycle.may_act(who, primary.department if primary else row.department)
    if row.state != incidents.LINKED or row.primary_order_id is None or row.incident_id is None:
        raise Refused(409, "not_linked", f"不能拆单：工单当前状态为 {row.state}", "state")
    order = order_of(row)
    roster = await current_roster(session, deps)
    chosen = domain.first_assignment(order, roster, deps.policy, now)
    due = deps.policy.ack_due(order, now)
    row.state, row.split_rule, row.assignment_id = lifecycle.DISPATCHED, "assignee", 1
    row.department, row.grid, row.assignee_id = chosen.department, chosen.grid, chosen.assignee_id
    row.chain_position, row.ack_due, row.updated_at = chosen.position, due, now
    row.deadline = lifecycle.resolve_deadline(
        order.received_at, order.platform_deadline, deps.policy.resolve_working_days, deps.calendar
    )
    repo.add(assignment_row(order_id, 1, chosen, now, due))
    reason = incidents.Split("assignee", body.reason)
    by = who.subject or who.role
    return [
        linking.split_event(order_id, row.incident_id, row.primary_order_id, reason, now, by),
        domain.dispatched(order_id, 1, chosen, order, due, now, "manual"),
    ]


def build_incident_router(ctx: RouterContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    Staff = Annotated[Principal, Depends(require("department", "head"))]

    @router.post("/orders/{order_id}/split", response_model=SplitOut, summary="拆单：单独派单")
    async def split_off(order_id: PathKey, body: SplitIn, who: Staff) -> SplitOut:
        now = ctx.runtime.clock.now()
        try:
            async with ctx.runtime.db.transaction() as session:
                events = await split(session, who, order_id, body, now, ctx.deps)
                ctx.runtime.outbox.add(session, events)
        except Refused as refused:
            raise ApiError(refused.status, refused.code, refused.detail, refused.field) from None
        ctx.runtime.outbox.wake()
        return SplitOut(order_id=order_id, events=[str(getattr(e, "type", "")) for e in events])

    @router.get(
        "/incidents/{primary_order_id}", response_model=IncidentOut, summary="事件的派单与并单"
    )
    async def incident(primary_order_id: PathKey, who: Staff) -> IncidentOut:
        async with ctx.runtime.db.transaction() as session:
            repo = RoutingRepository(session)
            primary = await repo.get(primary_order_id)
            riders = await repo.linked_to(primary_order_id)
        if primary is None:
            raise ApiError(404, "not_found", f"no order {primary_order_id}", "order_id")
        try:
            lifecycle.may_act(who, primary.department)
        except Refused as refused:
            raise ApiError(refused.status, refused.code, refused.detail, refused.field) from None
        return IncidentOut(
            primary_order_id=primary.order_id,
            incident_id=primary.incident_id,
            department=primary.department,
            assignee_id=primary.assignee_id,
            state=primary.state,
            callers=1 + sum(1 for r in riders if r.split_rule is None),
            orders=[
                RiderOut(order_id=r.order_id, state=r.state, split_rule=r.split_rule)
                for r in riders
            ],
        )

    return router
