"""Orders in and out over HTTP: the sources' items (one or a batch; 201 when something new was
stored, 200 when all was already received), an order and its timeline, and the replies owed."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.intake.api.state import Bus, Runtime, Settings
from services.intake.handlers.accept import Outcome, accept
from services.intake.queries.orders import order_view
from services.intake.queries.orders import pending_replies as read_pending
from services.intake.schemas import (
    BatchAccepted,
    ItemAccepted,
    OrderAccepted,
    OrderView,
    PendingReplies,
)
from services.intake.sources import Call96568, GridActivity, GridReport, Order12345
from shared.auth import Principal
from shared.http import ApiError, invalid, principal, require
from shared.params import Limit, PathKey

router = APIRouter(prefix="/v1")
Operator = Annotated[Principal, Depends(require("operator"))]
FieldStaff = Annotated[Principal, Depends(require("operator", "department", "head"))]

# 201 when something new was stored; 200 when everything sent was already received (a resend).
AGAIN: dict[int | str, dict[str, Any]] = {200: {"description": "Already received: nothing new"}}

_ONE_ACTIVITY = TypeAdapter(GridActivity)
_MANY_ACTIVITIES = TypeAdapter(list[GridActivity])


def _check_size(items: Sequence[object], settings: Settings) -> None:
    if not items:
        raise ApiError(422, "invalid", "批量提交至少要有一条", "body")
    if len(items) > settings.max_batch:
        raise ApiError(422, "invalid", f"一次最多提交 {settings.max_batch} 条", "body")


async def _accept_one(bus: Bus, item: BaseModel, response: Response) -> OrderAccepted:
    (outcome,) = await accept(bus, [item])
    # 201 only now: the order and its outbox row are committed.
    response.status_code = 201 if outcome.created else 200
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


@router.post(
    "/orders/12345",
    status_code=201,
    responses=AGAIN,
    response_model=OrderAccepted,
    summary="Receive an order pushed by the 12345 city platform",
)
async def receive_12345(
    body: Order12345, response: Response, _who: Operator, bus: Bus
) -> OrderAccepted:
    return await _accept_one(bus, body, response)


@router.post(
    "/orders/12345/batch",
    status_code=201,
    responses=AGAIN,
    response_model=BatchAccepted,
    summary="Several 12345 orders at once: all valid, or none taken (422 names the item)",
)
async def receive_12345_batch(
    body: list[Order12345], response: Response, _who: Operator, bus: Bus, settings: Settings
) -> BatchAccepted:
    _check_size(body, settings)
    return _batch(await accept(bus, body), response)


@router.post(
    "/orders/96568",
    status_code=201,
    responses=AGAIN,
    response_model=OrderAccepted,
    summary="A call taken on the 96568 water-service hotline",
)
async def receive_96568(
    body: Call96568, response: Response, _who: Operator, bus: Bus
) -> OrderAccepted:
    return await _accept_one(bus, body, response)


@router.post(
    "/orders/96568/batch",
    status_code=201,
    responses=AGAIN,
    response_model=BatchAccepted,
    summary="Several 96568 calls at once",
)
async def receive_96568_batch(
    body: list[Call96568], response: Response, _who: Operator, bus: Bus, settings: Settings
) -> BatchAccepted:
    _check_size(body, settings)
    return _batch(await accept(bus, body), response)


@router.post(
    "/grid-reports",
    status_code=201,
    responses=AGAIN,
    response_model=ItemAccepted,
    summary="A grid worker's report: facility finding, user demand, major event or "
    "vulnerable household (the last goes to the care register, not to an order)",
)
async def receive_grid_report(
    body: GridReport, response: Response, _who: FieldStaff, bus: Bus
) -> ItemAccepted:
    return _batch(await accept(bus, [body]), response).items[0]


@router.post(
    "/grid-reports/batch",
    status_code=201,
    responses=AGAIN,
    response_model=BatchAccepted,
    summary="Several grid reports at once",
)
async def receive_grid_report_batch(
    body: list[GridReport], response: Response, _who: FieldStaff, bus: Bus, settings: Settings
) -> BatchAccepted:
    _check_size(body, settings)
    return _batch(await accept(bus, body), response)


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
    _who: FieldStaff,
    body: Annotated[Any, Body()],
    bus: Bus,
    settings: Settings,
) -> BatchAccepted:
    try:
        parsed = (
            _MANY_ACTIVITIES.validate_python(body)
            if isinstance(body, list)
            else [_ONE_ACTIVITY.validate_python(body)]
        )
    except ValidationError as exc:
        raise invalid(exc.errors()) from exc
    _check_size(parsed, settings)
    return _batch(await accept(bus, parsed), response)


@router.get(
    "/orders/{order_id}",
    response_model=OrderView,
    summary="An order and its timeline, whatever service wrote each step",
)
async def get_order(
    order_id: PathKey, who: Annotated[Principal, Depends(principal)], runtime: Runtime
) -> OrderView:
    async with runtime.db.snapshot() as session:
        return await order_view(session, order_id, who)


@router.get(
    "/replies/pending",
    response_model=PendingReplies,
    summary="Replies not yet delivered, nearest platform deadline first (for ops)",
)
async def pending_replies(
    _who: Annotated[Principal, Depends(require("ops", "operator"))],
    runtime: Runtime,
    limit: Limit = 100,
) -> PendingReplies:
    async with runtime.db.transaction() as session:
        return await read_pending(session, limit)
