"""Who would get an order for this category and address right now, and why: the dispatch
decision itself over the current roster, computed and not stored. A 96568 operator sees it
before submitting a call. Read-only."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.router import queries
from services.router.api.context import Deps, Runtime
from services.router.domain.preview import preview_order
from services.router.schemas.roster import RoutingPreview
from services.router.store import current_roster
from shared.auth import Principal
from shared.http import require

router = APIRouter(prefix="/v1/routing", tags=["routing"])
Reader = Annotated[Principal, Depends(require("operator", "ops", "department", "head"))]


@router.get("/preview", response_model=RoutingPreview, summary="派单预览：此刻谁会接单，为什么")
async def preview(
    _who: Reader,
    runtime: Runtime,
    deps: Deps,
    category: Annotated[str, Query(min_length=1, max_length=40, examples=["LEAK"])],
    community: Annotated[str, Query(max_length=100)] = "",
    account_no: Annotated[str | None, Query(pattern=r"^\d{4,20}$")] = None,
    source: Annotated[str, Query(pattern="^(12345|96568|grid_report)$")] = "96568",
    priority: Annotated[str, Query(pattern="^(normal|urgent|critical)$")] = "normal",
) -> RoutingPreview:
    now = runtime.clock.now()
    order = preview_order(category, community, account_no, source, priority, now)
    async with runtime.db.snapshot() as session:
        roster = await current_roster(session, deps)
    return queries.preview(roster, deps, order, now)
