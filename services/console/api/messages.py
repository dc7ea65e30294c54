"""消息: what notify sent — or, in the embedded default, what its local receiver recorded instead
of a real WeCom or SMS message — so a newcomer sees who was told what (issue 10). Grid workers
and heads see their own; the duty room, operators and admins see everyone's."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.web import Ctx, CurrentUser, render

router = APIRouter()
OWN_ONLY = ("department", "head")


@router.get("/messages", include_in_schema=False)
async def messages(request: Request, ctx: Ctx, user: CurrentUser) -> Response:
    mine = user.kind in OWN_ONLY
    params = {"limit": 100, **({"person": user.person_id or "-"} if mine else {})}
    page = await ctx.services.get(user.caller, "notify", "/v1/messages", **params)
    return render(
        request, ctx, "messages.html", user, items=page["items"], total=page["total"], mine=mine
    )
