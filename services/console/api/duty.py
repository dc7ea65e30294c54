"""运维值班: the duty room's list — deadlines at risk with each order linked to its page, the
12345 replies still owed with their 回复时限, the orders waiting at a department head; the
month's closing (结算) is the office's."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.head import this_month
from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError

OPS = require_kind("ops")


router = APIRouter()


@router.get("/duty", include_in_schema=False)
async def duty_page(request: Request, ctx: Ctx, user: User = OPS) -> Response:
    at_risk = await ctx.services.get(
        user.caller, "sla", "/v1/sla/at-risk", within_hours=24, limit=200
    )
    replies = await ctx.services.get(user.caller, "intake", "/v1/replies/pending", limit=100)
    heads = {d.head for d in ctx.deps.org.departments}
    items: list[dict[str, Any]] = at_risk["items"]
    return render(
        request,
        ctx,
        "duty.html",
        user,
        at_risk=items,
        at_heads=[i for i in items if i.get("assignee_id") in heads],
        replies=replies,
        sla_dashboard=ctx.services.urls["sla"] + "/",
        month=this_month(ctx.clock.now()),
    )


@router.post("/duty/months/close", include_in_schema=False)
async def close_month(request: Request, ctx: Ctx, form: Form, user: User = OPS) -> Response:
    month = form.get("month", "")
    try:
        await ctx.services.post(user.caller, "scoring", f"/v1/months/{month}/close", {})
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"{month} 已结算")
    return back_to("/duty")
