"""Planned outages over HTTP: a head or ops opens one for some communities and a time window;
anyone signed in lists them."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.api.state import Bus, Runtime
from services.intake.handlers.outages import OpenedOutage, OpenPlannedOutage
from services.intake.queries.outages import outage_view, planned_outages
from services.intake.schemas import PlannedOutageIn, PlannedOutageOut
from shared.auth import Principal
from shared.http import principal, require

router = APIRouter(prefix="/v1")
Opener = Annotated[Principal, Depends(require("head", "ops"))]


@router.post(
    "/planned-outages",
    response_model=PlannedOutageOut,
    status_code=201,
    summary="登记计划停水：时段与范围内的来电即时并入",
)
async def open_outage(body: PlannedOutageIn, who: Opener, bus: Bus) -> PlannedOutageOut:
    command = OpenPlannedOutage(
        tuple(body.communities), body.starts_at, body.ends_at, body.reason, who.subject or who.role
    )
    opened: OpenedOutage = (await bus.handle(command)).answer
    return outage_view(opened.outage, opened.primary_order_id)


@router.get("/planned-outages", response_model=list[PlannedOutageOut], summary="计划停水")
async def list_outages(
    _who: Annotated[Principal, Depends(principal)], runtime: Runtime
) -> list[PlannedOutageOut]:
    async with runtime.db.transaction() as session:
        return await planned_outages(session)
