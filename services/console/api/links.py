"""A message's order link (notify signs it, ``shared.order_links``): signed out, the person signs
in first and comes back; signed in as the person it was sent to, the order's page opens with its
签收 button — acknowledged in one tap."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.web import Ctx, SignInNeeded, back_to, current_user, error_page
from shared import order_links

router = APIRouter()
NEXT = "next"  # where the sign-in page sends the person afterwards (a link path only)


@router.get("/l/{token}", include_in_schema=False)
async def open_link(request: Request, ctx: Ctx, token: str) -> Response:
    try:
        claims = order_links.verify(ctx.settings.token_secret, token, ctx.clock.now())
    except order_links.BadLink as exc:
        return error_page(request, 404, "链接不可用", f"{exc}：请从我的工单进入")
    try:
        user = await current_user(request, ctx)
    except SignInNeeded:
        request.session[NEXT] = f"/l/{token}"
        return back_to("/login")
    if user.person_id != claims.person_id:
        return error_page(
            request, 403, "不是您的链接", "这条消息发给另一位同事，请用本人账号登录后打开"
        )
    return back_to(f"/orders/{claims.order_id}")


def after_sign_in(request: Request, home: str) -> str:
    """The link the person came by, if any (read before the session is renewed), else home."""
    wanted = request.session.get(NEXT)
    return wanted if isinstance(wanted, str) and wanted.startswith("/l/") else home
