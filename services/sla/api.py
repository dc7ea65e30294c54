"""The SLA service's HTTP endpoints: numbers people run the service by, and the ops-room page."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from services.sla.dashboard_page import render_dashboard
from services.sla.reports import Reports, Scope
from services.sla.store import DeadlineRepository, OrderRepository, ShareRepository
from services.sla.views import (
    AtRiskList,
    OrderClocks,
    Overview,
    build_at_risk,
    build_overview,
    order_clocks,
)
from shared.auth import Principal
from shared.http import ApiError, PathKey, principal
from shared.runtime import ServiceRuntime


@dataclass
class SlaContext:
    runtime: ServiceRuntime
    department_names: dict[str, str] = field(default_factory=dict)
    refresh_seconds: int = 15
    console_url: str = ""
    risk_window: timedelta = timedelta(hours=24)


def scope_of(who: Principal) -> Scope:
    """A department (or its head) sees its own orders only."""
    if who.is_any("department", "head"):
        return Scope(department=who.department)
    return Scope()


def build_router(ctx: SlaContext) -> APIRouter:
    router = APIRouter()

    @router.get("/v1/sla/overview", response_model=Overview)
    async def overview(who: Annotated[Principal, Depends(principal)]) -> Overview:
        async with ctx.runtime.db.transaction() as session:
            return await build_overview(
                Reports(session, scope_of(who)),
                ctx.runtime.clock.now(),
                ctx.department_names,
                ctx.risk_window,
            )

    @router.get("/v1/sla/at-risk", response_model=AtRiskList)
    async def at_risk(
        who: Annotated[Principal, Depends(principal)],
        within_hours: Annotated[float, Query(gt=0, le=24 * 31)] = 24,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> AtRiskList:
        """Open deadlines due within ``within_hours``, soonest first, with the time left."""
        async with ctx.runtime.db.transaction() as session:
            return await build_at_risk(
                Reports(session, scope_of(who)),
                ctx.runtime.clock.now(),
                timedelta(hours=within_hours),
                limit,
            )

    @router.get("/v1/sla/orders/{order_id}", response_model=OrderClocks)
    async def order(
        order_id: PathKey, who: Annotated[Principal, Depends(principal)]
    ) -> OrderClocks:
        """An order's clocks (policy and platform deadlines side by side) and each
        department's own share of its time. A department sees orders it has held."""
        async with ctx.runtime.db.transaction() as session:
            held = await OrderRepository(session).get(order_id)
            rows = await DeadlineRepository(session).all_of(order_id)
            shares = await ShareRepository(session).of_order(order_id)
        scope = scope_of(who)
        visible = scope.department is None or any(s.department == scope.department for s in shares)
        if (held is None and not rows) or not visible:
            raise ApiError(404, "not_found", f"no clocks for order {order_id}", "order_id")
        return order_clocks(
            order_id, held.state if held else None, rows, shares, ctx.runtime.clock.now()
        )

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        # The page holds no data: it fetches the two endpoints above with the viewer's token.
        return HTMLResponse(
            render_dashboard(ctx.department_names, ctx.refresh_seconds, ctx.console_url)
        )

    return router
