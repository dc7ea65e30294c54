"""Planned outages over HTTP: a head or ops opens one for some communities and a time window;
anyone signed in lists them. The outage order and its incident commit with their events."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select

from services.intake import outages
from services.intake.handlers import timeline_rows
from services.intake.store import IncidentRow, PlannedOutageRow
from services.intake.submit import IntakeDeps, submit_order
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, principal, require
from shared.masking import StaffText
from shared.organisation import community_key
from shared.runtime import ServiceRuntime

LONGEST = timedelta(days=7)


class PlannedOutageIn(BaseModel):
    communities: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=20, examples=[["水城花园"]]
    )
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: StaffText = Field(min_length=1, max_length=500, examples=["DN300主管更换"])


class PlannedOutageOut(BaseModel):
    outage_id: str
    incident_id: str
    primary_order_id: str
    communities: list[str]
    starts_at: str
    ends_at: str
    reason: str
    opened_by: str


def _checked(body: PlannedOutageIn, deps: IntakeDeps) -> outages.Window:
    if body.ends_at <= body.starts_at:
        raise ApiError(422, "invalid", "结束时间须晚于开始时间", "ends_at")
    if body.ends_at - body.starts_at > LONGEST:
        raise ApiError(422, "invalid", "计划停水时段最长 7 天，请分段登记", "ends_at")
    known = {community_key(c): c for c in deps.org.known_communities()}
    unknown = [c for c in body.communities if community_key(c) not in known]
    if unknown:
        raise ApiError(422, "invalid", f"未知小区：{'、'.join(unknown)}", "communities")
    names = tuple(dict.fromkeys(known[community_key(c)] for c in body.communities))
    return outages.Window(names, body.starts_at, body.ends_at, body.reason.strip())


def _out(row: PlannedOutageRow, primary: str) -> PlannedOutageOut:
    return PlannedOutageOut(
        outage_id=row.outage_id,
        incident_id=row.incident_id,
        primary_order_id=primary,
        communities=list(row.communities),
        starts_at=to_local(row.starts_at).isoformat(),
        ends_at=to_local(row.ends_at).isoformat(),
        reason=row.reason,
        opened_by=row.opened_by,
    )


def build_outage_router(runtime: ServiceRuntime, deps: IntakeDeps) -> APIRouter:
    router = APIRouter(prefix="/v1")
    Opener = Annotated[Principal, Depends(require("head", "ops"))]

    @router.post(
        "/planned-outages",
        response_model=PlannedOutageOut,
        status_code=201,
        summary="登记计划停水：时段与范围内的来电即时并入",
    )
    async def open_outage(body: PlannedOutageIn, who: Opener) -> PlannedOutageOut:
        window = _checked(body, deps)
        now = runtime.clock.now()
        outage_id = outages.new_outage_id(now)
        by = who.subject or who.role
        async with runtime.db.transaction() as session:
            order = outages.outage_order(outage_id, window, by, now)
            made = await submit_order(session, order, now, deps, cluster=False)
            row = await outages.open_outage(session, made.order_id, outage_id, window, by, now)
            runtime.outbox.add(session, made.events)
            session.add_all(timeline_rows(made.events))
        runtime.outbox.wake()
        return _out(row, made.order_id)

    @router.get("/planned-outages", response_model=list[PlannedOutageOut], summary="计划停水")
    async def list_outages(
        _who: Annotated[Principal, Depends(principal)],
    ) -> list[PlannedOutageOut]:
        async with runtime.db.transaction() as session:
            rows = list(
                await session.scalars(
                    select(PlannedOutageRow).order_by(PlannedOutageRow.starts_at.desc()).limit(200)
                )
            )
            primaries = {
                i.incident_id: i.primary_order_id
                for i in await session.scalars(
                    select(IncidentRow).where(
                        IncidentRow.incident_id.in_([r.incident_id for r in rows])
                    )
                )
            }
        return [_out(r, primaries.get(r.incident_id, "")) for r in rows]

    return router
