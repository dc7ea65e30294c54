"""Who would get an order for this category and address right now, and why: the dispatch
decision itself (domain.first_assignment over the current roster), computed and not stored.
A 96568 operator sees it before submitting a call. Read-only."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.router.config import RouterDeps
from services.router.domain import chain as domain
from services.router.handlers import current_roster
from shared.auth import Principal
from shared.contracts import Address, OrderReceivedPayload
from shared.http import require
from shared.runtime import ServiceRuntime


class SkippedOut(BaseModel):
    person_id: str | None
    person_name: str
    position: str
    reason: str


class RoutingPreview(BaseModel):
    department: str
    department_name: str
    grid: str | None
    team: str | None
    assignee_id: str
    assignee_name: str
    chain_position: str
    skipped: list[SkippedOut]
    ack_minutes: int


def build_preview_router(runtime: ServiceRuntime, deps: RouterDeps) -> APIRouter:
    router = APIRouter(prefix="/v1/routing", tags=["routing"])
    Reader = Annotated[Principal, Depends(require("operator", "ops", "department", "head"))]

    @router.get("/preview", response_model=RoutingPreview, summary="派单预览：此刻谁会接单，为什么")
    async def preview(
        _who: Reader,
        category: Annotated[str, Query(min_length=1, max_length=40, examples=["LEAK"])],
        community: Annotated[str, Query(max_length=100)] = "",
        account_no: Annotated[str | None, Query(pattern=r"^\d{4,20}$")] = None,
        source: Annotated[str, Query(pattern="^(12345|96568|grid_report)$")] = "96568",
        priority: Annotated[str, Query(pattern="^(normal|urgent|critical)$")] = "normal",
    ) -> RoutingPreview:
        now = runtime.clock.now()
        order = OrderReceivedPayload(
            source=source,
            source_ref="preview",
            category=category,
            category_label=category,
            priority=priority,
            address=Address(community=community or None),
            account_no=account_no,
            received_at=now,
        )
        async with runtime.db.snapshot() as session:
            roster = await current_roster(session, deps)
        chosen = domain.first_assignment(order, roster, deps.policy, now)
        org = deps.org
        return RoutingPreview(
            department=chosen.department,
            department_name=org.department(chosen.department).name,
            grid=chosen.grid,
            team=chosen.team,
            assignee_id=chosen.assignee_id,
            assignee_name=chosen.assignee_name,
            chain_position=chosen.position,
            skipped=[
                SkippedOut(
                    person_id=s.person_id,
                    person_name=(p.name if (p := org.person(s.person_id or "")) else ""),
                    position=s.position,
                    reason=s.reason,
                )
                for s in chosen.skipped
            ],
            ack_minutes=int((deps.policy.ack_due(order, now) - now).total_seconds() // 60),
        )

    return router
