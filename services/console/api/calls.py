"""接线员's pop-up (issue 21): when the PBX names them for a ringing or answered call, their open
受理 page is told by the live stream and reads ``/operator/caller`` — the number in full from
intake (theirs to read as the operator on the line), every order by that phone and at that
address with state and holder, the care-register flag — and fills the call form in. Without a
PBX the same panel opens for the number the operator types into 来电号码."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.api.web import Ctx, User, render, require_kind
from services.console.domain.caller import address_of, caller_view
from services.console.queries import ServiceError

OPERATOR = require_kind("operator")
router = APIRouter()


@router.get("/operator/caller", include_in_schema=False)
async def caller(
    request: Request,
    ctx: Ctx,
    call_id: Annotated[str | None, Query(min_length=1, max_length=250)] = None,
    phone: Annotated[str | None, Query(pattern=r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")] = None,
    user: User = OPERATOR,
) -> Response:
    """By the call the PBX named, or by the number the operator typed (no PBX): the same panel."""
    if call_id is None:
        call: dict[str, Any] = {"call_id": "", "phone": phone}
    else:
        try:
            path = f"/v1/calls/{quote(call_id, safe='')}"
            call = await ctx.services.get(user.caller, "intake", path)
        except ServiceError as exc:
            if exc.status != 404:
                raise
            return render(request, ctx, "_caller.html", user, view=None, call_id=call_id)
    by_phone = await _orders(ctx, user, phone=call["phone"]) if call.get("phone") else []
    community, building = address_of(by_phone)
    at_address = await _orders(ctx, user, community=community, building=building or "")
    view = caller_view(call, by_phone, at_address if community else [])
    return render(request, ctx, "_caller.html", user, view=view, call_id=call_id or "")


async def _orders(ctx: Ctx, user: User, **wanted: str | None) -> list[dict[str, Any]]:
    found = await ctx.services.get(user.caller, "intake", "/v1/search/orders", limit=50, **wanted)
    items: list[dict[str, Any]] = found["items"]
    return items
