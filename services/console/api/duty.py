"""运维值班: the duty room — late and escalated orders first, one row per order with all its
clocks (passed ones too, from the SLA service's board) and its holder and escalation step (from
the router); then what falls due within 24 h; then unresolved 12345 orders by platform
deadline; the 12345 replies still owed; the month's closing (结算) is the office's."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.head import this_month
from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.domain.duty import duty_room
from services.console.queries import Caller, ServiceError, Services

OPS = require_kind("ops")
WINDOW_HOURS = 24


router = APIRouter()


async def _board(services: Services, caller: Caller) -> tuple[dict[str, Any], list[Any]]:
    """The SLA board and the router's steps for its orders, plus the escalated or chased orders
    no clock has flagged yet (asked of the SLA by id, so they come with their clocks too)."""
    board = await services.get(
        caller, "sla", "/v1/sla/duty-board", within_hours=WINDOW_HOURS, limit=200
    )
    listed = [b["order_id"] for b in board["late"] + board["soon"] + board["platform"]]
    steps: list[Any] = await services.get(
        caller, "router", "/v1/duty/orders", order_id=listed, limit=200
    )
    flagged = [
        s for s in steps if s["escalated"] or s.get("urge_count") or s.get("supervise_count")
    ]
    missing = [s["order_id"] for s in flagged if s["order_id"] not in listed]
    if missing:
        more = await services.get(
            caller, "sla", "/v1/sla/duty-board", within_hours=WINDOW_HOURS, order_id=missing
        )
        board["asked"] = more["asked"] + more["late"] + more["soon"]
    return board, steps


@router.get("/duty", include_in_schema=False)
async def duty_page(request: Request, ctx: Ctx, user: User = OPS) -> Response:
    board, steps = await _board(ctx.services, user.caller)
    people = {p.id: (p.name, p.work_phone) for p in ctx.deps.org.people}
    replies = await ctx.services.get(user.caller, "intake", "/v1/replies/pending", limit=100)
    screen = ctx.services.screen_token(user.caller)
    return render(
        request,
        ctx,
        "duty.html",
        user,
        room=duty_room(board, steps, people),
        window_hours=WINDOW_HOURS,
        replies=replies,
        sla_dashboard=f"{ctx.services.urls['sla']}/#token={screen}",
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
