"""Incidents over HTTP: orders clustered as one incident, and the incident page (console to
come). Anyone signed in may read them; callers' phones are masked for everyone."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.api.state import Runtime
from services.intake.queries.incidents import incident_page as read_page
from services.intake.queries.incidents import incident_view
from services.intake.schemas import IncidentPage, IncidentView
from shared.auth import Principal
from shared.http import principal
from shared.params import PathKey

router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(principal)]


@router.get(
    "/incidents/{incident_id}",
    response_model=IncidentView,
    summary="Orders clustered as one incident (one burst main, many callers)",
)
async def get_incident(incident_id: PathKey, _who: Reader, runtime: Runtime) -> IncidentView:
    async with runtime.db.transaction() as session:
        return await incident_view(session, incident_id)


@router.get(
    "/incidents/{incident_id}/page",
    response_model=IncidentPage,
    summary="事件页：各渠道来电、待答复来电人、时限、时间线",
)
async def incident_page(incident_id: PathKey, _who: Reader, runtime: Runtime) -> IncidentPage:
    async with runtime.db.transaction() as session:
        return await read_page(session, incident_id)
