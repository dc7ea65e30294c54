"""月报: the monthly report for heads (their department), the office and the duty room (all) —
orders by category and community against last month, the places that keep coming back, each
grid's on-time and satisfaction rates, the workers' scores over the year; drawn in the browser
by the ECharts shipped in ``static/`` and downloadable as xlsx."""

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api import report_file
from services.console.api.head import this_month
from services.console.api.web import Ctx, User, error_page, render, require_kind
from services.console.config import ConsoleDeps
from services.console.domain import report as domain
from services.console.queries import Caller, ServiceError, Services
from shared.organisation import community_key

READERS = require_kind("head", "ops")
MONTH = re.compile(domain.MONTH_PATTERN)
# Months of orders asked of intake: this, the last, and one more for what recurs.
ORDER_MONTHS = 3

router = APIRouter()


def community_names(deps: ConsoleDeps) -> dict[str, str]:
    """Intake counts by community key; people know the names the organisation file gives."""
    return {community_key(name): name for g in deps.org.grids for name in g.communities}


async def _rates(services: Services, caller: Caller, month: str) -> Any:
    """The SLA's rates by grid; a service without them yet (404) is shown as not yet there."""
    try:
        return await services.get(caller, "sla", "/v1/sla/rates", month=month)
    except ServiceError as exc:
        if exc.status == 404:
            return None
        raise


async def build_report(ctx: Ctx, user: User, month: str) -> domain.Report:
    caller, department = user.caller, user.department
    months = domain.months_of_year(month)
    orders, rates, *scores = await asyncio.gather(
        ctx.services.get(caller, "intake", "/v1/reports/orders", month=month, months=ORDER_MONTHS),
        _rates(ctx.services, caller, month),
        *(ctx.services.get(caller, "scoring", f"/v1/scores/{m}") for m in months),
    )
    by_month = {
        m: domain.own(s["workers"], department) for m, s in zip(months, scores, strict=True)
    }
    names = domain.community_label(community_names(ctx.deps))
    counted = orders["months"]
    return domain.Report(
        month=month,
        last_month=counted[1]["month"],
        department=department,
        total=counted[0]["total"],
        last_total=counted[1]["total"],
        categories=domain.compare(counted, "category", ctx.deps.category_label),
        communities=domain.compare(counted, "community", names),
        hotspots=domain.hotspots(counted, names),
        rates=domain.grid_rates(rates),
        trend=domain.trend(by_month),
        scores=by_month[month],
    )


def _month_or_refusal(request: Request, ctx: Ctx, month: str) -> tuple[str, Response | None]:
    month = month or this_month(ctx.clock.now())
    if not MONTH.match(month):
        return month, error_page(request, 422, "填写有误", f"月份应为 年-月（如 2026-11）：{month}")
    return month, None


@router.get("/report", include_in_schema=False)
async def report_page(
    request: Request, ctx: Ctx, month: str = "", user: User = READERS
) -> Response:
    month, refused = _month_or_refusal(request, ctx, month)
    if refused is not None:
        return refused
    found = await build_report(ctx, user, month)
    return render(
        request,
        ctx,
        "report.html",
        user,
        month=month,
        report=found,
        percent=domain.percent,
        charts=domain.chart_data(found, ctx.deps.category_label),
    )


@router.get("/report.xlsx", include_in_schema=False)
async def report_xlsx(
    request: Request, ctx: Ctx, month: str = "", user: User = READERS
) -> Response:
    month, refused = _month_or_refusal(request, ctx, month)
    if refused is not None:
        return refused
    found = await build_report(ctx, user, month)
    scope = ctx.deps.department_name(user.department) if user.department else "全公司"
    data = report_file.workbook(found, scope, ctx.deps.category_label)
    return Response(
        data,
        media_type=report_file.XLSX,
        headers={"Content-Disposition": f'attachment; filename="report-{month}.xlsx"'},
    )
