"""``GET /events``: the server-sent events of live pages. One stream per open page, for the
signed-in person's page (``inbox``, ``messages``, ``order`` with its ``order_id``, ``duty``,
``call``), carrying only that something changed that this person may see; the page then reads
its fragment through its ordinary route. The session is checked on connect and at every
heartbeat: a stream whose session ended (sign-out, reset, disabled, expired) ends with it."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from services.console.api.web import (
    ConsoleContext,
    Ctx,
    CurrentUser,
    Forbidden,
    SignInNeeded,
    User,
    current_user,
)
from services.console.domain import labels
from services.console.domain.live import PAGES, Change, Channel, Viewer, may_open
from services.console.live.hub import CLOSED, Hub, Subscriber

router = APIRouter()
READY_WAIT_SECONDS = 5.0


def hub_of(ctx: ConsoleContext) -> Hub:
    hub: Hub = ctx.hub
    return hub


def sse(event: str, data: dict[str, str]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


@router.get("/events", include_in_schema=False)
async def events(
    request: Request,
    ctx: Ctx,
    user: CurrentUser,
    page: Annotated[str, Query(pattern="^(" + "|".join(PAGES) + ")$")],
    order_id: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    if not may_open(page, user.kind) or (page == "order") != bool(order_id):
        raise Forbidden(f"您的角色（{labels.role_label(user.role)}）无权接收此页面的实时更新")
    if page == "order":
        # The order page's own rule: the service answers 403/404 for an order not theirs.
        await ctx.services.get(user.caller, "intake", f"/v1/orders/{order_id}")
    viewer = Viewer(user.kind, user.username, user.person_id, user.department)
    channel = Channel(page, viewer, order_id or None)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _stream(request, ctx, channel), media_type="text/event-stream", headers=headers
    )


async def _stream(request: Request, ctx: ConsoleContext, channel: Channel) -> AsyncIterator[bytes]:
    hub, settings = hub_of(ctx), ctx.settings
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + settings.live_stream_seconds
    with hub.subscribe(channel) as subscriber:
        yield b"retry: 3000\n\n"
        # Told "ready" only once the reader knows where the log ends: from then on nothing
        # published is missed, so a page (and a test) may rely on the push.
        try:
            await asyncio.wait_for(hub.ready.wait(), READY_WAIT_SECONDS)
            yield sse("ready", {})
        except TimeoutError:
            yield sse("unavailable", {})  # the page keeps polling meanwhile
        while loop.time() < ends_at:
            change = await _next(subscriber, settings.live_heartbeat_seconds)
            if change is CLOSED:
                return
            if change is None:
                if not await _signed_in(request, ctx):
                    yield sse("end", {"reason": "signed_out"})
                    return
                yield b": keep-alive\n\n"
                continue
            yield sse("change", change.wire())


async def _next(subscriber: Subscriber, within: float) -> Change | None:
    try:
        return await asyncio.wait_for(subscriber.queue.get(), within)
    except TimeoutError:
        return None


async def _signed_in(request: Request, ctx: ConsoleContext) -> bool:
    try:
        user: User = await current_user(request, ctx)
    except SignInNeeded:
        return False
    return user is not None
