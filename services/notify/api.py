"""Notify's HTTP: the local receiver's messages (the console's “消息” page), an order's
deliveries, Alertmanager's webhook receiver, and the signed links in messages."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.notify import links, metrics, queries
from services.notify.config import NotifyDeps
from services.notify.domain.facts import Notification
from services.notify.handlers import enqueue
from services.notify.schemas import (
    Alert,
    AlertmanagerWebhook,
    AlertsAccepted,
    DeliveryView,
    LinkView,
    MessagePage,
    MessageView,
)
from shared.auth import Principal
from shared.http import ApiError, principal, require
from shared.runtime import ServiceRuntime


@dataclass
class NotifyContext:
    runtime: ServiceRuntime
    deps: NotifyDeps


def alert_notification(alert: Alert) -> Notification:
    name = alert.labels.get("alertname", "告警")
    summary = alert.annotations.get("summary", "")
    severity = alert.labels.get("severity", "warning")
    cause = f"{alert.fingerprint or name}:{alert.startsAt.isoformat()}"
    return Notification(
        "alert",
        cause,
        None,
        "critical" if severity == "critical" else "normal",
        reason=f"{name}（{severity}）：{summary}".rstrip("："),
    )


def build_router(ctx: NotifyContext) -> APIRouter:
    router = APIRouter()
    Reader = Annotated[Principal, Depends(principal)]
    Ops = Annotated[Principal, Depends(require("ops"))]

    @router.get(
        "/v1/messages",
        response_model=MessagePage,
        summary="消息：what the built-in local receiver recorded (newest first)",
    )
    async def messages(
        _who: Reader,
        person: str | None = None,
        order_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> MessagePage:
        async with ctx.runtime.db.snapshot() as session:
            rows, total = await queries.messages(session, person, order_id, limit, offset)
        return MessagePage(items=[MessageView.of(r) for r in rows], total=total)

    @router.get(
        "/v1/orders/{order_id}/notifications",
        response_model=list[DeliveryView],
        summary="Who was told of the order, on which channel, and whether it arrived",
    )
    async def deliveries(order_id: str, _who: Reader) -> list[DeliveryView]:
        async with ctx.runtime.db.snapshot() as session:
            rows = await queries.deliveries_of(session, order_id)
        return [DeliveryView.of(r) for r in rows]

    @router.post(
        "/v1/alerts",
        response_model=AlertsAccepted,
        summary="Alertmanager webhook receiver: firing alerts go to ops by the rules",
    )
    async def alerts(body: AlertmanagerWebhook, _who: Ops) -> AlertsAccepted:
        now = ctx.runtime.clock.now()
        planned = 0
        async with ctx.runtime.db.transaction() as session:
            for alert in body.alerts:
                metrics.ALERTS.labels(alert.status).inc()
                if alert.status != "firing":
                    continue
                done = await enqueue(session, ctx.deps, alert_notification(alert), now)
                planned += done.messages
        return AlertsAccepted(accepted=len(body.alerts), messages=planned)

    @router.get("/l/{token}", response_model=LinkView, summary="A message's signed order link")
    async def open_link(token: str) -> LinkView:
        try:
            claims = links.verify(ctx.deps.settings.token_secret, token, ctx.runtime.clock.now())
        except links.BadLink as exc:
            raise ApiError(404, "bad_link", str(exc), "token") from exc
        return LinkView(
            order_id=claims.order_id,
            person_id=claims.person_id,
            assignment_id=claims.assignment_id,
            acknowledge=f"POST /v1/orders/{claims.order_id}/acknowledge (router, 登录后)",
        )

    return router
