"""Intake's HTTP endpoints: validate, call a command, shape the reply."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.intake.commands import HouseholdMissing, IntakeCommands, Outcome
from services.intake.formats import Call96568, GridActivity, GridReport, Order12345
from services.intake.queues import ReplyRepository
from services.intake.store import ClusterQueries, OrderRepository
from services.intake.views import (
    BatchAccepted,
    IncidentMember,
    IncidentView,
    ItemAccepted,
    OrderAccepted,
    OrderView,
    PendingReplies,
    PendingReply,
    ReplyView,
    TimelineEntry,
    caller_identity,
    departments_of,
    masked,
    may_read_timeline,
)
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, PathKey, invalid, principal, require
from shared.masking import mask_phone
from shared.runtime import ServiceRuntime

# 201 when something new was stored; 200 when everything sent was already received (a resend).
AGAIN: dict[int | str, dict[str, Any]] = {200: {"description": "Already received: nothing new"}}


@dataclass
class IntakeContext:
    runtime: ServiceRuntime
    commands: IntakeCommands
    max_batch: int


def _one(outcome: Outcome) -> OrderAccepted:
    return OrderAccepted(
        order_id=outcome.order_id or "",
        created=outcome.created,
        category=outcome.category or "",
        incident_id=outcome.incident_id,
    )


def _batch(outcomes: list[Outcome], response: Response) -> BatchAccepted:
    created = sum(o.created for o in outcomes)
    response.status_code = 201 if created else 200
    return BatchAccepted(
        created=created,
        items=[
            ItemAccepted(
                index=i,
                status=o.status,
                order_id=o.order_id,
                category=o.category,
                incident_id=o.incident_id,
                register_id=o.register_id,
                activity_id=o.activity_id,
            )
            for i, o in enumerate(outcomes)
        ],
    )


def build_router(ctx: IntakeContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    operator = require("operator")
    field_staff = require("operator", "department", "head")

    def check_size(items: Sequence[object]) -> None:
        if not items:
            raise ApiError(422, "invalid", "a batch needs at least one item", "body")
        if len(items) > ctx.max_batch:
            raise ApiError(422, "invalid", f"at most {ctx.max_batch} items in one batch", "body")

    async def accept_one(item: BaseModel, response: Response) -> OrderAccepted:
        (outcome,) = await ctx.commands.accept([item])
        # 201 only now: the order and its outbox row are committed.
        response.status_code = 201 if outcome.created else 200
        return _one(outcome)

    @router.post(
        "/orders/12345",
        status_code=201,
        responses=AGAIN,
        response_model=OrderAccepted,
        summary="Receive an order pushed by the 12345 city platform",
    )
    async def receive_12345(
        body: Order12345, response: Response, _who: Annotated[Principal, Depends(operator)]
    ) -> OrderAccepted:
        return await accept_one(body, response)

    @router.post(
        "/orders/12345/batch",
        status_code=201,
        responses=AGAIN,
        response_model=BatchAccepted,
        summary="Several 12345 orders at once: all valid, or none taken (422 names the item)",
    )
    async def receive_12345_batch(
        body: list[Order12345], response: Response, _who: Annotated[Principal, Depends(operator)]
    ) -> BatchAccepted:
        check_size(body)
        return _batch(await ctx.commands.accept(body), response)

    @router.post(
        "/orders/96568",
        status_code=201,
        responses=AGAIN,
        response_model=OrderAccepted,
        summary="A call taken on the 96568 water-service hotline",
    )
    async def receive_96568(
        body: Call96568, response: Response, _who: Annotated[Principal, Depends(operator)]
    ) -> OrderAccepted:
        return await accept_one(body, response)

    @router.post(
        "/orders/96568/batch",
        status_code=201,
        responses=AGAIN,
        response_model=BatchAccepted,
        summary="Several 96568 calls at once",
    )
    async def receive_96568_batch(
        body: list[Call96568], response: Response, _who: Annotated[Principal, Depends(operator)]
    ) -> BatchAccepted:
        check_size(body)
        return _batch(await ctx.commands.accept(body), response)

    @router.post(
        "/grid-reports",
        status_code=201,
        responses=AGAIN,
        response_model=ItemAccepted,
        summary="A grid worker's report: facility finding, user demand, major event or "
        "vulnerable household (the last goes to the care register, not to an order)",
    )
    async def receive_grid_report(
        body: GridReport, response: Response, _who: Annotated[Principal, Depends(field_staff)]
    ) -> ItemAccepted:
        result = _batch(await _accept_reports([body]), response)
        return result.items[0]

    @router.post(
        "/grid-reports/batch",
        status_code=201,
        responses=AGAIN,
        response_model=BatchAccepted,
        summary="Several grid reports at once",
    )
    async def receive_grid_report_batch(
        body: list[GridReport],
        response: Response,
        _who: Annotated[Principal, Depends(field_staff)],
    ) -> BatchAccepted:
        check_size(body)
        return _batch(await _accept_reports(body), response)

    async def _accept_reports(reports: Sequence[GridReport]) -> list[Outcome]:
        try:
            return await ctx.commands.accept(reports)
        except HouseholdMissing as exc:
            raise ApiError(422, "invalid", str(exc), "household") from exc

    one_activity = TypeAdapter(GridActivity)
    many_activities = TypeAdapter(list[GridActivity])

    @router.post(
        "/grid-activity",
        status_code=201,
        responses=AGAIN,
        response_model=BatchAccepted,
        summary="Grid workers' consultations, messages and visits: one object or a list; "
        "a resent activity_id is answered as already recorded",
    )
    async def receive_grid_activity(
        response: Response,
        _who: Annotated[Principal, Depends(field_staff)],
        body: Annotated[Any, Body()],
    ) -> BatchAccepted:
        try:
            parsed = (
                many_activities.validate_python(body)
                if isinstance(body, list)
                else [one_activity.validate_python(body)]
            )
        except ValidationError as exc:
            raise invalid(exc.errors()) from exc
        check_size(parsed)
        return _batch(await ctx.commands.accept(parsed), response)

    @router.get(
        "/orders/{order_id}",
        response_model=OrderView,
        summary="An order and its timeline, whatever service wrote each step",
    )
    async def get_order(
        order_id: PathKey, who: Annotated[Principal, Depends(principal)]
    ) -> OrderView:
        async with ctx.runtime.db.snapshot() as session:
            repo = OrderRepository(session)
            order = await repo.get(order_id)
            if order is None:
                raise ApiError(404, "not_found", f"no order {order_id}", "order_id")
            entries = await repo.timeline(order_id)
            replies = await ReplyRepository(session).for_order(order_id)
        dispatched = (
            str(e.payload.get("department") or "")
            for e in entries
            if e.event_type == "OrderDispatched"
        )
        if not may_read_timeline(who, departments_of(order, dispatched)):
            raise ApiError(
                403, "forbidden", f"{who.role} 无权查看未派给本部门的工单 {order_id}", "order_id"
            )
        name, phone = caller_identity(who, order)
        # Only the caller's phone is shown in full, and only to the handling department: notes
        # and reasons are masked for every reader, whatever an older event stored.
        shown = masked
        return OrderView(
            order_id=order.order_id,
            source=order.source,
            source_ref=order.source_ref,
            category=order.category,
            priority=order.priority,
            state=order.state,
            caller_name=name,
            caller_phone=phone,
            received_at=to_local(order.received_at).isoformat(),
            grid=order.grid,
            grid_matched=order.grid_matched,
            special_care=bool(order.special_care),
            incident_id=order.incident_id,
            handling_department=order.handling_department,
            replies=[
                ReplyView(
                    channel=r.channel,
                    state="sent" if r.sent_at else "pending",
                    attempts=r.attempts,
                    sent_at=to_local(r.sent_at).isoformat() if r.sent_at else None,
                    last_error=r.last_error,
                )
                for r in replies
            ],
            timeline=[
                TimelineEntry(
                    event_id=e.event_id,
                    type=e.event_type,
                    occurred_at=to_local(e.occurred_at).isoformat(),
                    producer=e.producer,
                    summary=shown(e.summary),
                    payload=shown(e.payload),
                )
                for e in entries
            ],
        )

    @router.get(
        "/replies/pending",
        response_model=PendingReplies,
        summary="Replies not yet delivered, nearest platform deadline first (for ops)",
    )
    async def pending_replies(
        _who: Annotated[Principal, Depends(require("ops", "operator"))],
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> PendingReplies:
        async with ctx.runtime.db.transaction() as session:
            repo = ReplyRepository(session)
            rows = await repo.pending(limit)
            count = await repo.pending_count()
        return PendingReplies(
            pending=count,
            items=[
                PendingReply(
                    order_id=r.order_id,
                    channel=r.channel,
                    attempts=r.attempts,
                    last_error=r.last_error,
                    created_at=to_local(r.created_at).isoformat(),
                    next_attempt_at=to_local(r.next_attempt_at).isoformat(),
                    platform_deadline=to_local(r.due_at).isoformat() if r.due_at else None,
                )
                for r in rows
            ],
        )

    @router.get(
        "/incidents/{incident_id}",
        response_model=IncidentView,
        summary="Orders clustered as one incident (one burst main, many callers)",
    )
    async def get_incident(
        incident_id: PathKey, _who: Annotated[Principal, Depends(principal)]
    ) -> IncidentView:
        async with ctx.runtime.db.transaction() as session:
            queries = ClusterQueries(session)
            incident = await queries.incident(incident_id)
            if incident is None:
                raise ApiError(404, "not_found", f"no incident {incident_id}", "incident_id")
            members = await queries.members(incident_id)
        return IncidentView(
            incident_id=incident.incident_id,
            rule=incident.rule,
            primary_order_id=incident.primary_order_id,
            category=incident.category,
            members=incident.members,
            major_event=incident.major_raised_at is not None,
            orders=[
                IncidentMember(
                    order_id=m.order_id,
                    source=m.source,
                    category=m.category,
                    received_at=to_local(m.received_at).isoformat(),
                    caller_phone=None
                    if m.confidential or not m.caller_phone
                    else mask_phone(m.caller_phone),
                )
                for m in members
            ],
        )

    return router
