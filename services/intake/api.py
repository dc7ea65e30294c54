"""Intake's HTTP endpoints: validate, call a handler, shape the reply."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from services.intake.domain import normalize_12345
from services.intake.formats import Order12345
from services.intake.handlers import submit_order
from services.intake.store import OrderRepository
from services.intake.taxonomy import Taxonomy
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, principal, require
from shared.masking import mask_phone
from shared.runtime import ServiceRuntime


class OrderAccepted(BaseModel):
    order_id: str = Field(examples=["GL-20261127-7F3K9Q01"])
    created: bool = Field(description="False when the same source number was already received")
    category: str


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    occurred_at: str
    producer: str
    summary: str
    payload: dict[str, Any]


class OrderView(BaseModel):
    order_id: str
    source: str
    source_ref: str
    category: str
    priority: str
    state: str
    caller_name: str | None
    caller_phone: str | None
    received_at: str
    timeline: list[TimelineEntry]


@dataclass
class IntakeContext:
    runtime: ServiceRuntime
    taxonomy: Taxonomy


def build_router(ctx: IntakeContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    operator = require("operator")

    @router.post(
        "/orders/12345",
        status_code=201,
        response_model=OrderAccepted,
        summary="Receive an order pushed by the 12345 city platform",
    )
    async def receive_12345(
        body: Order12345, response: Response, _who: Annotated[Principal, Depends(operator)]
    ) -> OrderAccepted:
        runtime = ctx.runtime
        now = runtime.clock.now()
        order = normalize_12345(body, ctx.taxonomy, now)
        async with runtime.db.transaction() as session:
            result = await submit_order(session, runtime.outbox, order, now)
        # 201 only now: the order and its outbox row are committed.
        runtime.outbox.wake()
        if not result.created:
            response.status_code = 200
        return OrderAccepted(
            order_id=result.order_id, created=result.created, category=order.payload.category
        )

    @router.get(
        "/orders/{order_id}",
        response_model=OrderView,
        summary="An order and its timeline, whatever service wrote each step",
    )
    async def get_order(order_id: str, who: Annotated[Principal, Depends(principal)]) -> OrderView:
        async with ctx.runtime.db.transaction() as session:
            repo = OrderRepository(session)
            order = await repo.get(order_id)
            if order is None:
                raise ApiError(404, "not_found", f"no order {order_id}", "order_id")
            entries = await repo.timeline(order_id)
        show_identity = who.is_any("admin") or not order.confidential
        return OrderView(
            order_id=order.order_id,
            source=order.source,
            source_ref=order.source_ref,
            category=order.category,
            priority=order.priority,
            state=order.state,
            caller_name=order.caller_name if show_identity else None,
            caller_phone=mask_phone(order.caller_phone or "") if show_identity else None,
            received_at=to_local(order.received_at).isoformat(),
            timeline=[
                TimelineEntry(
                    event_id=e.event_id,
                    type=e.event_type,
                    occurred_at=to_local(e.occurred_at).isoformat(),
                    producer=e.producer,
                    summary=e.summary,
                    payload=e.payload,
                )
                for e in entries
            ],
        )

    return router
