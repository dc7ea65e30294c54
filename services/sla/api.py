"""The SLA service's HTTP endpoints: numbers people run the service by, and the ops-room page.
Everything here reads; the service's writes come from the order log alone."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from services.sla import queries, rates
from services.sla.dashboard import render_dashboard
from services.sla.domain.rates import month_of
from services.sla.duty_board import BoardQueries, duty_board
from services.sla.queries import Scope, SlaQueries
from services.sla.schemas import AtRiskList, DutyBoard, OrderClocks, Overview, Rates
from shared import state
from shared.auth import Principal
from shared.http import principal
from shared.params import MONTH_PATTERN, KeyList, Limit, PathKey
from shared.refusals import NotFound
from shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class SlaContext:
    """What the routes read with: the runtime (database, clock) and the dashboard's settings;
    ``app`` puts it on ``app.state.context`` (``shared.state``)."""

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


Context = state.Context[SlaContext]
Reader = Annotated[Principal, Depends(principal)]
router = APIRouter()


@router.get("/v1/sla/overview", response_model=Overview)
async def overview(ctx: Context, who: Reader) -> Overview:
    async with ctx.runtime.db.snapshot() as session:
        return await queries.overview(
            SlaQueries(session, scope_of(who)),
            ctx.runtime.clock.now(),
            ctx.department_names,
            ctx.risk_window,
        )


@router.get("/v1/sla/at-risk", response_model=AtRiskList)
async def at_risk(
    ctx: Context,
    who: Reader,
    within_hours: Annotated[float, Query(gt=0, le=24 * 31)] = 24,
    limit: Limit = 100,
) -> AtRiskList:
    """Open deadlines due within ``within_hours``, soonest first, with the time left."""
    async with ctx.runtime.db.snapshot() as session:
        return await queries.at_risk(
            SlaQueries(session, scope_of(who)),
            ctx.runtime.clock.now(),
            timedelta(hours=within_hours),
            limit,
        )


@router.get("/v1/sla/duty-board", response_model=DutyBoard, summary="值班室：超时与将到期的工单")
async def board(
    ctx: Context,
    who: Reader,
    within_hours: Annotated[float, Query(gt=0, le=24 * 31)] = 24,
    order_id: KeyList = [],  # noqa: B006 (FastAPI copies)
    limit: Limit = 200,
) -> DutyBoard:
    """Unresolved orders, one line each with every clock (passed ones too): those late now,
    those falling due within ``within_hours``, any named by ``order_id``, and the 12345
    orders by their platform deadline."""
    async with ctx.runtime.db.snapshot() as session:
        return await duty_board(
            BoardQueries(SlaQueries(session, scope_of(who))),
            ctx.runtime.clock.now(),
            timedelta(hours=within_hours),
            set(order_id),
            limit,
        )


@router.get("/v1/sla/rates", response_model=Rates, summary="月度办结、回访、重办、催办与督办率")
async def month_rates(
    ctx: Context,
    who: Reader,
    month: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM（北京时间）；缺省为本月")
    ] = None,
) -> Rates:
    """The month's rates per department and per grid (definitions: docs/sla.md, "Rates")."""
    now = ctx.runtime.clock.now()
    async with ctx.runtime.db.snapshot() as session:
        return await rates.month_rates(
            session, scope_of(who), month or month_of(now), ctx.department_names, now
        )


@router.get("/v1/sla/orders/{order_id}", response_model=OrderClocks)
async def order(ctx: Context, order_id: PathKey, who: Reader) -> OrderClocks:
    """An order's clocks (policy and platform deadlines side by side) and each
    department's own share of its time. A department sees orders it has held."""
    async with ctx.runtime.db.snapshot() as session:
        found = await queries.order_deadlines(
            session, scope_of(who), order_id, ctx.runtime.clock.now()
        )
    if found is None:
        raise NotFound(f"工单 {order_id} 没有计时", "order_id")
    return found


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def dashboard(ctx: Context) -> HTMLResponse:
    # The page holds no data: it fetches the two endpoints above with the viewer's token.
    return HTMLResponse(
        render_dashboard(ctx.department_names, ctx.refresh_seconds, ctx.console_url)
    )
