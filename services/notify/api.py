"""Notify's HTTP: the local receiver's messages (the console's “消息” page), an order's
deliveries, Alertmanager's webhook receiver, and the signed links in messages."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.notify import queries
from services.notify.config import NotifyDeps
from services.notify.handlers.alerts import AlertSeen, ReceiveAlerts
from services.notify.schemas import (
    AlertmanagerWebhook,
    AlertsAccepted,
    DeliveryView,
    LinkView,
    MessagePage,
    MessageView,
)
from shared import order_links as links
from shared import state
from shared.auth import Principal
from shared.http import ApiError, principal, require
from shared.params import Limit, Offset, PathKey, QueryKey
from shared.state import Runtime

Deps = state.Deps[NotifyDeps]
Bus = state.Bus[NotifyDeps]
Reader = Annotated[Principal, Depends(principal)]
Ops = Annotated[Principal, Depends(require("ops"))]

# A signed link is a JWT of a few hundred characters; anything far longer is not one of ours.
LinkToken = Annotated[str, Path(min_length=1, max_length=2000)]

router = APIRouter()


@router.get(
    "/v1/messages",
    response_model=MessagePage,
    summary="消息：what the built-in local receiver recorded (newest first)",
)
async def messages(
    _who: Reader,
    runtime: Runtime,
    person: QueryKey = None,
    order_id: QueryKey = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> MessagePage:
    async with runtime.db.snapshot() as session:
        rows, total = await queries.messages(session, person, order_id, limit, offset)
    return MessagePage(items=[MessageView.of(r) for r in rows], total=total)


@router.get(
    "/v1/orders/{order_id}/notifications",
    response_model=list[DeliveryView],
    summary="Who was told of the order, on which channel, and whether it arrived",
)
async def deliveries(order_id: PathKey, _who: Reader, runtime: Runtime) -> list[DeliveryView]:
    async with runtime.db.snapshot() as session:
        rows = await queries.deliveries_of(session, order_id)
    return [DeliveryView.of(r) for r in rows]


@router.post(
    "/v1/alerts",
    response_model=AlertsAccepted,
    summary="Alertmanager webhook receiver: firing alerts go to ops by the rules",
)
async def alerts(body: AlertmanagerWebhook, _who: Ops, bus: Bus) -> AlertsAccepted:
    seen = [
        AlertSeen(a.status, a.labels, a.annotations, a.startsAt, a.fingerprint) for a in body.alerts
    ]
    done = await bus.handle(ReceiveAlerts(tuple(seen)))
    return AlertsAccepted(accepted=len(body.alerts), messages=done.answer)


@router.get("/l/{token}", response_model=LinkView, summary="A message's signed order link")
async def open_link(token: LinkToken, runtime: Runtime, deps: Deps) -> LinkView:
    try:
        claims = links.verify(deps.settings.token_secret, token, runtime.clock.now())
    except links.BadLink as exc:
        raise ApiError(404, "bad_link", str(exc), "token") from exc
    return LinkView(
        order_id=claims.order_id,
        person_id=claims.person_id,
        assignment_id=claims.assignment_id,
        acknowledge=f"POST /v1/orders/{claims.order_id}/acknowledge (router, 登录后)",
    )
