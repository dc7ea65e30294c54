"""The departments' HTTP endpoints: a department sees and acts on its own orders only."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.router import commands
from services.router.commands import (
    AppointmentIn,
    ComplaintVerdictIn,
    ExtensionDecisionIn,
    ExtensionIn,
    ProgressIn,
    ResolveIn,
    ReturnIn,
)
from services.router.config import RouterDeps
from services.router.domain import lifecycle
from services.router.domain.lifecycle import Refused
from services.router.store import AssignmentRow, InboxFilter, RoutedOrder, RoutingRepository
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import Event
from shared.http import ApiError, Offset, PathKey, QueryKey, require
from shared.masking import mask_json
from shared.runtime import ServiceRuntime


class InboxItem(BaseModel):
    order_id: str
    category: str
    priority: str
    state: str
    grid: str | None
    assignee_id: str
    chain_position: str
    assignment_id: int
    ack_due: str
    seconds_to_ack: int
    deadline: str | None
    seconds_to_deadline: int | None
    major: bool
    incident_id: str | None = None
    callers: int = 1  # the orders this assignment answers: the incident's, not split off
    appointment_at: str | None = None
    address: str = ""


class Inbox(BaseModel):
    department: str
    total: int
    items: list[InboxItem]


class AssignmentOut(BaseModel):
    assignment_id: int
    department: str
    assignee_id: str
    chain_position: str
    dispatched_at: str
    ack_due: str
    acknowledged_at: str | None
    skipped: list[dict[str, Any]]


class OrderOut(BaseModel):
    order_id: str
    category: str
    priority: str
    state: str
    department: str
    grid: str | None
    assignee_id: str
    chain_position: str
    assignment_id: int
    returns: int
    major: bool
    deadline: str | None
    extension_days: int
    extension_request: dict[str, Any] | None
    appointment_at: str | None
    complaint_verdict: str | None
    assignments: list[AssignmentOut]


class ActionResult(BaseModel):
    order_id: str
    events: list[str]
    order: OrderOut


@dataclass
class RouterContext:
    runtime: ServiceRuntime
    deps: RouterDeps


def _department_of(who: Principal, asked: str | None) -> str:
    if who.kind == "admin":
        if not asked:
            raise ApiError(422, "invalid", "admin must name ?department=", "department")
        return asked
    department = who.department
    if department is None:
        raise ApiError(403, "forbidden", "not a department role", "role")
    if asked and asked != department:
        raise ApiError(403, "forbidden", f"{who.role} may not read {asked}'s orders", "department")
    return department


Command = Callable[[AsyncSession, datetime], Awaitable[Sequence[Event]]]


def build_router(ctx: RouterContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    staff = require("department", "head")
    heads = require("head")
    Staff = Annotated[Principal, Depends(staff)]
    Head = Annotated[Principal, Depends(heads)]
    deps = ctx.deps

    async def run(order_id: str, command: Command) -> ActionResult:
        """One transaction: the change and its events (outbox) or, if refused, nothing."""
        now = ctx.runtime.clock.now()
        try:
            async with ctx.runtime.db.transaction() as session:
                events = await command(session, now)
                ctx.runtime.outbox.add(session, events)
        except Refused as refused:
            raise ApiError(refused.status, refused.code, refused.detail, refused.field) from None
        ctx.runtime.outbox.wake()
        async with ctx.runtime.db.snapshot() as session:
            row, assignments = await _order(session, order_id)
        return ActionResult(
            order_id=order_id,
            events=[str(getattr(e, "type", "")) for e in events],
            order=_order_out(row, assignments),
        )

    @router.get("/inbox", response_model=Inbox, summary="My department's orders, with time left")
    async def inbox(
        who: Staff,
        department: QueryKey = None,
        state: Annotated[
            str | None, Query(pattern="^(" + "|".join(lifecycle.STATES) + ")$")
        ] = None,
        assignee: QueryKey = None,
        major: bool | None = None,
        extension_pending: Annotated[
            bool | None, Query(description="Heads: orders waiting for an extension decision")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Offset = 0,
    ) -> Inbox:
        dept = _department_of(who, department)
        now = ctx.runtime.clock.now()
        filters = InboxFilter(state, assignee, major, extension_pending)
        async with ctx.runtime.db.snapshot() as session:
            repo = RoutingRepository(session)
            rows = await repo.inbox(dept, filters, limit, offset)
            total = await repo.count(dept, filters)
            riders = await repo.linked_counts([r.order_id for r in rows if r.incident_id])
        items = [_inbox_item(r, now, 1 + riders.get(r.order_id, 0)) for r in rows]
        return Inbox(department=dept, total=total, items=items)

    @router.get("/orders/{order_id}", response_model=OrderOut, summary="One order's routing")
    async def order(order_id: PathKey, who: Staff) -> OrderOut:
        async with ctx.runtime.db.snapshot() as session:
            row, assignments = await _order(session, order_id)
        try:
            lifecycle.may_act(who, row.department)
        except Refused as refused:
            raise ApiError(refused.status, refused.code, refused.detail, refused.field) from None
        return _order_out(row, assignments)

    @router.post("/orders/{order_id}/acknowledge", response_model=ActionResult, summary="签收")
    async def acknowledge(order_id: PathKey, who: Staff) -> ActionResult:
        return await run(order_id, lambda s, now: commands.acknowledge(s, who, order_id, now))

    @router.post("/orders/{order_id}/appointment", response_model=ActionResult, summary="预约/改约")
    async def appointment(order_id: PathKey, body: AppointmentIn, who: Staff) -> ActionResult:
        return await run(order_id, lambda s, now: commands.appointment(s, who, order_id, body, now))

    @router.post("/orders/{order_id}/progress", response_model=ActionResult, summary="进展/到场")
    async def progress(order_id: PathKey, body: ProgressIn, who: Staff) -> ActionResult:
        return await run(order_id, lambda s, now: commands.progress(s, who, order_id, body, now))

    @router.post("/orders/{order_id}/return", response_model=ActionResult, summary="退单")
    async def return_order(order_id: PathKey, body: ReturnIn, who: Staff) -> ActionResult:
        return await run(
            order_id, lambda s, now: commands.return_order(s, who, order_id, body, now, deps)
        )

    @router.post("/orders/{order_id}/extension", response_model=ActionResult, summary="申请延期")
    async def extension(order_id: PathKey, body: ExtensionIn, who: Staff) -> ActionResult:
        return await run(
            order_id, lambda s, now: commands.request_extension(s, who, order_id, body, now, deps)
        )

    @router.post(
        "/orders/{order_id}/extension/decision",
        response_model=ActionResult,
        summary="延期审批（部门负责人）",
    )
    async def extension_decision(
        order_id: PathKey, body: ExtensionDecisionIn, who: Head
    ) -> ActionResult:
        return await run(
            order_id, lambda s, now: commands.decide_extension(s, who, order_id, body, now, deps)
        )

    @router.post("/orders/{order_id}/resolve", response_model=ActionResult, summary="办结")
    async def resolve(order_id: PathKey, body: ResolveIn, who: Staff) -> ActionResult:
        return await run(order_id, lambda s, now: commands.resolve(s, who, order_id, body, now))

    @router.post(
        "/orders/{order_id}/verify-complaint",
        response_model=ActionResult,
        summary="投诉核实（部门负责人）",
    )
    async def verify_complaint(
        order_id: PathKey, body: ComplaintVerdictIn, who: Head
    ) -> ActionResult:
        return await run(
            order_id, lambda s, now: commands.verify_complaint(s, who, order_id, body, now)
        )

    return router


async def _order(session: AsyncSession, order_id: str) -> tuple[RoutedOrder, list[AssignmentRow]]:
    repo = RoutingRepository(session)
    row = await repo.get(order_id)
    if row is None:
        raise ApiError(404, "not_found", f"no order {order_id}", "order_id")
    return row, await repo.assignments(order_id)


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _inbox_item(r: RoutedOrder, now: datetime, callers: int = 1) -> InboxItem:
    return InboxItem(
        order_id=r.order_id,
        category=r.category,
        priority=r.priority,
        state=r.state,
        grid=r.grid,
        assignee_id=r.assignee_id,
        chain_position=r.chain_position,
        assignment_id=r.assignment_id,
        ack_due=to_local(r.ack_due).isoformat(),
        seconds_to_ack=_seconds_left(r.ack_due, now),
        deadline=_local(r.deadline),
        seconds_to_deadline=_seconds_left(r.deadline, now) if r.deadline else None,
        major=r.major,
        incident_id=r.incident_id,
        callers=callers if r.primary_order_id is None else 1,
        appointment_at=_local(r.appointment_at),
        address=_address_of(r.order),
    )


def _address_of(order: dict[str, Any]) -> str:
    address = order.get("address") or {}
    if address.get("text"):
        return str(address["text"])
    parts = [address.get(k) for k in ("community", "building", "unit", "room")]
    return " ".join(str(p) for p in parts if p)


def _order_out(row: RoutedOrder, assignments: list[AssignmentRow]) -> OrderOut:
    return OrderOut(
        order_id=row.order_id,
        category=row.category,
        priority=row.priority,
        state=row.state,
        department=row.department,
        grid=row.grid,
        assignee_id=row.assignee_id,
        chain_position=row.chain_position,
        assignment_id=row.assignment_id,
        returns=row.returns,
        major=row.major,
        deadline=_local(row.deadline),
        extension_days=row.extension_days,
        extension_request=mask_json(row.extension_request),
        appointment_at=_local(row.appointment_at),
        complaint_verdict=row.complaint_verdict,
        assignments=[
            AssignmentOut(
                assignment_id=a.assignment_id,
                department=a.department,
                assignee_id=a.assignee_id,
                chain_position=a.chain_position,
                dispatched_at=to_local(a.dispatched_at).isoformat(),
                ack_due=to_local(a.ack_due).isoformat(),
                acknowledged_at=_local(a.acknowledged_at),
                skipped=list(a.skipped),
            )
            for a in assignments
        ],
    )


def _seconds_left(due: datetime, now: datetime) -> int:
    return int((due - now).total_seconds())
