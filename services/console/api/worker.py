"""网格员 / 部门人员: my orders by the nearest deadline (the SLA service's own), one order's page
with its timeline, and the actions: 签收, 预约, 进度, 退单, 申请延期, 办结."""

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from services.console.api.web import (
    Ctx,
    CurrentUser,
    Form,
    User,
    back_to,
    flash,
    render,
    require_kind,
)
from services.console.domain import returns
from services.console.domain.clocks import one_per_kind
from services.console.domain.inbox import InboxRow, inbox_rows
from services.console.metrics import PAGE_SECONDS
from services.console.queries import ServiceError
from services.console.schemas import AppointmentForm, ResolveForm, form_errors

STAFF = require_kind("department", "head")
PAGE = 1000  # the router's largest page: a department's open orders in one call


async def load_inbox(ctx: Ctx, user: User, mine: bool) -> list[InboxRow]:
    """The router's inbox (state, assignee and the SLA's deadlines) with intake's callers and
    addresses: for the whole department side by side, for one person's few orders by id."""
    department = user.department or ""
    if mine:
        routed = await ctx.services.get(
            user.caller, "router", "/v1/inbox", assignee=user.person_id, limit=PAGE
        )
        items = routed["items"]
        ids = ",".join(i["order_id"] for i in items[:200])
        found = await _callers(ctx, user, ids=ids) if items else {"items": []}
    else:
        routed, found = await asyncio.gather(
            ctx.services.get(user.caller, "router", "/v1/inbox", limit=PAGE),
            _callers(ctx, user, department=department, open_only="true", limit=1000),
        )
        items = routed["items"]
    return inbox_rows(items, found["items"], ctx.clock.now())


def _callers(ctx: Ctx, user: User, **params: str | int) -> Awaitable[Any]:
    return ctx.services.get(user.caller, "intake", "/v1/search/orders", **params)


router = APIRouter()


@router.get("/inbox", include_in_schema=False)
async def inbox(request: Request, ctx: Ctx, all: bool = False, user: User = STAFF) -> Response:
    with PAGE_SECONDS.labels("inbox").time():
        mine = not all and user.kind == "department" and user.person_id is not None
        rows = await load_inbox(ctx, user, mine)
        poll = ctx.settings.poll_seconds
        return render(request, ctx, "inbox.html", user, rows=rows, mine=mine, poll_seconds=poll)


@router.get("/inbox/rows", include_in_schema=False)
async def inbox_fragment(
    request: Request, ctx: Ctx, all: bool = False, user: User = STAFF
) -> Response:
    mine = not all and user.kind == "department" and user.person_id is not None
    rows = await load_inbox(ctx, user, mine)
    return render(request, ctx, "_inbox_rows.html", user, rows=rows, mine=mine)


@router.get("/orders/{order_id}", include_in_schema=False)
async def order_page(request: Request, ctx: Ctx, order_id: str, user: CurrentUser) -> Response:
    routing = None
    if user.kind in ("department", "head"):
        # The router answers 403 for another department's order: shown as such.
        routing = await ctx.services.get(user.caller, "router", f"/v1/orders/{order_id}")
    order = await ctx.services.get(user.caller, "intake", f"/v1/orders/{order_id}")
    try:
        clocks = await ctx.services.get(user.caller, "sla", f"/v1/sla/orders/{order_id}")
    except ServiceError:
        clocks = None
    return render(
        request,
        ctx,
        "order.html",
        user,
        order=order,
        routing=routing,
        clocks=one_per_kind(clocks["deadlines"], ctx.clock.now()) if clocks else None,
        holder_phone=ctx.deps.work_phone(
            routing["assignee_id"] if routing else order.get("holder_id")
        ),
        urgeable=URGEABLE,
        received=order["timeline"][0]["payload"] if order["timeline"] else {},
        # 催办 ×N and 督办 ×N as the inbox and 值班室 show them, counted from the order's record.
        urges=sum(e["type"] == "OrderUrged" for e in order["timeline"]),
        supervisions=sum(e["type"] == "OrderSupervised" for e in order["timeline"]),
        returning=returns.standing(routing, order["timeline"]),
    )


@router.post("/orders/{order_id}/{action}", include_in_schema=False)
async def act(
    request: Request, ctx: Ctx, order_id: str, action: str, form: Form, user: User = STAFF
) -> Response:
    try:
        body = _body(action, form)
        await ctx.services.post(user.caller, "router", f"/v1/orders/{order_id}/{action}", body)
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"{ACTIONS[action]}成功")
    return back_to(f"/orders/{order_id}")


# Intake's states of an order still being handled: what a caller ringing again can chase.
URGEABLE = ("received", "dispatched", "acknowledged", "returned", "reopened")

ACTIONS = {
    "acknowledge": "签收",
    "appointment": "预约",
    "progress": "进展登记",
    "return": "退单",
    "extension": "延期申请",
    "resolve": "办结",
    "verify-complaint": "投诉核实",
}


class _Progress(BaseModel):
    note: str
    arrived_on_site: bool = False


class _Return(BaseModel):
    reason: str


class _Extension(BaseModel):
    extra_working_days: int
    reason: str


class _Verdict(BaseModel):
    verified: bool
    note: str = ""


def _body(action: str, form: dict[str, str]) -> dict[str, Any]:
    fields = {k: v for k, v in form.items() if k != "csrf_token"}
    models: dict[str, type[BaseModel]] = {
        "appointment": AppointmentForm,
        "progress": _Progress,
        "return": _Return,
        "extension": _Extension,
        "resolve": ResolveForm,
        "verify-complaint": _Verdict,
    }
    if action == "acknowledge":
        return {}
    if action not in models:
        raise ServiceError(404, f"没有这个操作：{action}")
    return models[action].model_validate(fields).model_dump(mode="json")
