"""The incident page over HTTP (console to come): anyone signed in may read it; callers' phones
are masked for everyone (the handling department sees them in full on each order's view)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from services.intake import incidents, phones
from services.intake.incident_page import IncidentPage, build_page
from services.intake.store import ClusterQueries, ReplyRow, TimelineRow
from shared.auth import Principal
from shared.http import ApiError, PathKey, principal
from shared.runtime import ServiceRuntime


def build_incident_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get(
        "/incidents/{incident_id}/page",
        response_model=IncidentPage,
        summary="事件页：各渠道来电、待答复来电人、时限、时间线",
    )
    async def incident_page(
        incident_id: PathKey, _who: Annotated[Principal, Depends(principal)]
    ) -> IncidentPage:
        async with runtime.db.transaction() as session:
            queries = ClusterQueries(session)
            incident = await queries.incident(incident_id)
            if incident is None:
                raise ApiError(404, "not_found", f"没有事件 {incident_id}", "incident_id")
            members = await queries.members(incident_id)
            ids = [m.order_id for m in members]
            timeline = list(
                await session.scalars(
                    select(TimelineRow)
                    .where(TimelineRow.order_id.in_(ids))
                    .order_by(TimelineRow.occurred_at, TimelineRow.id)
                )
            )
            reply_rows = list(
                await session.scalars(
                    select(ReplyRow).where(ReplyRow.order_id.in_(ids)).order_by(ReplyRow.cycle)
                )
            )
        latest = {r.order_id: r for r in reply_rows}  # the last cycle's reply per order
        callers = incidents.distinct_callers(
            [(m.order_id, phones.digits(m.caller_phone) or None) for m in members]
        )
        return build_page(incident, members, latest, timeline, callers)

    return router
