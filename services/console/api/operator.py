"""接线员: the 96568 call form with the routing preview and duplicate warning, search, the live
list of 12345 orders."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console import typeahead
from services.console.api.web import Ctx, Form, User, back_to, render, require_kind
from services.console.queries import ServiceError
from services.console.schemas import CallForm, form_errors
from shared.clock import to_local

OPERATOR = require_kind("operator")
ANYONE = require_kind("operator", "ops", "department", "head")


async def _duplicates(ctx: Ctx, user: User, phone: str, community: str, building: str) -> Any:
    if not phone and not community:
        return []
    found = await ctx.services.get(
        user.caller,
        "intake",
        "/v1/search/orders",
        phone=phone,
        community=community,
        building=building,
        open_only="true",
        limit=10,
    )
    return [o for o in found["items"] if "phone" in o["matched_by"] or "address" in o["matched_by"]]


router = APIRouter()


def _form_page(
    request: Request, ctx: Ctx, user: User, form: dict[str, str], error: str | None, status: int
) -> Response:
    communities = ctx.deps.org.known_communities()
    return render(
        request,
        ctx,
        "operator.html",
        user,
        status_code=status,
        categories=ctx.deps.categories,
        category_keys=typeahead.category_keys(ctx.deps.categories),
        communities=communities,
        community_keys=typeahead.community_keys(communities),
        # The last call's order, above an empty form for the next call.
        created=request.session.pop("created", None),
        earliest=f"{to_local(ctx.clock.now()):%Y-%m-%dT%H:%M}",
        form=form,
        error=error,
    )


@router.get("/operator", include_in_schema=False)
async def operator_page(request: Request, ctx: Ctx, user: User = OPERATOR) -> Response:
    return _form_page(request, ctx, user, {}, None, 200)


@router.get("/operator/preview", include_in_schema=False)
async def preview(
    request: Request,
    ctx: Ctx,
    category: str = "",
    community: str = "",
    phone: str = "",
    building: str = "",
    account_no: str = "",
    user: User = OPERATOR,
) -> Response:
    routing, routing_error = None, None
    if category:
        try:
            routing = await ctx.services.get(
                user.caller,
                "router",
                "/v1/routing/preview",
                category=category,
                community=community,
                account_no=account_no or None,
            )
        except ServiceError as exc:
            routing_error = exc.message()
    duplicates = await _duplicates(ctx, user, phone.strip(), community.strip(), building)
    return render(
        request,
        ctx,
        "_preview.html",
        user,
        routing=routing,
        routing_error=routing_error,
        duplicates=duplicates,
    )


@router.post("/operator/calls", include_in_schema=False)
async def submit_call(request: Request, ctx: Ctx, form: Form, user: User = OPERATOR) -> Response:
    try:
        call = CallForm.model_validate(form)
    except ValidationError as exc:
        return _form_again(request, ctx, user, form, form_errors(exc))
    now = ctx.clock.now()
    if call.appointment is not None and call.appointment <= now:
        when = f"{to_local(call.appointment):%Y-%m-%d %H:%M}"
        return _form_again(
            request, ctx, user, form, f"预约上门：{when}（北京时间）已过，须晚于现在"
        )
    body = call.to_call(ctx.deps.category_label(call.category), user.username, now)
    try:
        accepted = await ctx.services.post(user.caller, "intake", "/v1/orders/96568", body)
    except ServiceError as exc:
        return _form_again(request, ctx, user, form, exc.message())
    request.session["created"] = accepted["order_id"]
    return back_to("/operator")


@router.get("/operator/live", include_in_schema=False)
async def live(request: Request, ctx: Ctx, user: User = OPERATOR) -> Response:
    found = await ctx.services.get(
        user.caller, "intake", "/v1/search/orders", source="12345", limit=20
    )
    return render(request, ctx, "_orders.html", user, orders=found["items"])


@router.get("/search", include_in_schema=False)
async def search(request: Request, ctx: Ctx, q: str = "", user: User = ANYONE) -> Response:
    orders = []
    if q.strip():
        found = await ctx.services.get(user.caller, "intake", "/v1/search/orders", q=q, limit=50)
        orders = found["items"]
    return render(request, ctx, "search.html", user, q=q, orders=orders)


def _form_again(
    request: Request, ctx: Ctx, user: User, form: dict[str, str], error: str
) -> Response:
    return _form_page(request, ctx, user, form, error, 422)
