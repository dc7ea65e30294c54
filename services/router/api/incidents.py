"""Splitting a linked order off its incident (the assignee's decision, with a reason) and the
incident as the router holds it: the primary's assignment and the orders riding on it."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.router import queries
from services.router.api.context import Bus, Runtime
from services.router.handlers.commands import SplitAsk, SplitOff
from services.router.schemas import IncidentOut, SplitIn, SplitOut
from shared.auth import Principal
from shared.http import require
from shared.params import PathKey

router = APIRouter(prefix="/v1")
Staff = Annotated[Principal, Depends(require("department", "head"))]


@router.post("/orders/{order_id}/split", response_model=SplitOut, summary="拆单：单独派单")
async def split_off(order_id: PathKey, body: SplitIn, who: Staff, bus: Bus) -> SplitOut:
    done = await bus.handle(SplitOff(order_id, who, SplitAsk(body.reason)))
    return SplitOut(order_id=order_id, events=[str(getattr(e, "type", "")) for e in done.events])


@router.get("/incidents/{primary_order_id}", response_model=IncidentOut, summary="事件的派单与并单")
async def incident(primary_order_id: PathKey, who: Staff, runtime: Runtime) -> IncidentOut:
    async with runtime.db.snapshot() as session:
        return await queries.incident_view(session, who, primary_order_id)
