"""回访 (issue 20): the hotline's own callbacks of 96568 and grid orders — the ones resolved since
the last working day, the most pressing first — each recorded with one tap: 满意, 基本满意, 不满意
(the order is reopened to its last holder) or 联系不上 (a try; the last allowed one ends it).
Intake owns the list and the rules (config/callbacks.yaml); the console shows and forwards.

催办 (issue 21): a caller rings again about an order still being handled; the operator chases it
from the order's page, and intake's OrderUrged tells its holder and their head."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError

router = APIRouter()
DESK = require_kind("operator")
RESULTS = ("满意", "基本满意", "不满意", "联系不上")


@router.get("/callbacks", include_in_schema=False)
async def callbacks_page(request: Request, ctx: Ctx, user: User = DESK) -> Response:
    due = await ctx.services.get(user.caller, "intake", "/v1/callbacks/due")
    return render(request, ctx, "callbacks.html", user, due=due, results=RESULTS)


def _said(order_id: str, result: str, answer: dict[str, Any], max_tries: str) -> str:
    if result != "联系不上":
        reopened = "OrderReopened" in answer["events"]
        again = "，工单已重新打开，退回原承办人重办" if reopened else ""
        return f"已回访 {order_id}：{result}{again}"
    if answer["closed"]:
        return f"{order_id} 已打 {answer['tries']} 次均未接通，回访结束：联系不上"
    return f"{order_id} 联系不上（第 {answer['tries']} 次，共 {max_tries} 次），稍后再打"


@router.post("/callbacks/{order_id}", include_in_schema=False)
async def record(
    request: Request, ctx: Ctx, order_id: str, form: Form, user: User = DESK
) -> Response:
    result = form.get("result", "")
    if result not in RESULTS:
        flash(request, "回访结果：请选择 满意、基本满意、不满意 或 联系不上", "error")
        return back_to("/callbacks")
    try:
        answer = await ctx.services.post(
            user.caller,
            "intake",
            f"/v1/orders/{order_id}/callback",
            {"result": result, "opinion": form.get("opinion", "").strip()},
        )
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, _said(order_id, result, answer, form.get("max_tries", "")))
    return back_to("/callbacks")


# Before the worker's /orders/{order_id}/{action}: the desk's, not the holder's.
@router.post("/orders/{order_id}/urge", include_in_schema=False)
async def urge(
    request: Request, ctx: Ctx, order_id: str, form: Form, user: User = DESK
) -> Response:
    try:
        await ctx.services.post(
            user.caller,
            "intake",
            f"/v1/orders/{order_id}/urge",
            {"content": form.get("content", "").strip()},
        )
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"已催办 {order_id}：已通知承办人和部门负责人")
    return back_to(f"/orders/{order_id}")
