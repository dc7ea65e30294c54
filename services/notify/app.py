"""The one place that wires notify: settings, organisation, rules, channels, runtime, HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.notify.api import router
from services.notify.channels import Channel
from services.notify.channels.local import LocalReceiver
from services.notify.channels.robot import WeComRobot
from services.notify.channels.sms import AliyunSms
from services.notify.channels.webhook import Webhook
from services.notify.channels.wecom import WeComApp
from services.notify.config import NotifySettings, load_deps
from services.notify.handlers import ACTIVITY_CONSUMER, ACTIVITY_EVENTS, COMMANDS, EVENTS
from services.notify.jobs import Deliverer
from services.notify.store import InboxRow, OutboxRow
from shared.clock import Clock, StartedClock, SystemClock
from shared.http import install_conventions
from shared.outbound import http_client
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "notify"


def build_channels(
    s: NotifySettings, client: httpx.AsyncClient, local: LocalReceiver
) -> dict[str, Channel]:
    """A channel without its credentials is the local receiver (the embedded default)."""
    return {
        "wecom_app": (
            WeComApp(
                client, s.wecom_base_url, s.wecom_corp_id, s.wecom_corp_secret, s.wecom_agent_id
            )
            if s.wecom_corp_id and s.wecom_corp_secret
            else local
        ),
        "wecom_robot": WeComRobot(client, s.wecom_robot_url) if s.wecom_robot_url else local,
        "sms": (
            AliyunSms(
                client,
                s.sms_base_url,
                s.sms_access_key_id,
                s.sms_access_key_secret,
                s.sms_sign_name,
            )
            if s.sms_access_key_id and s.sms_access_key_secret
            else local
        ),
        "webhook": Webhook(client, s.webhook_url) if s.webhook_url else local,
    }


def create_app(settings: NotifySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    deps = load_deps(settings)
    if clock is None:
        clock = StartedClock(settings.clock_start) if settings.clock_start else SystemClock()
    runtime = ServiceRuntime(
        settings,
        clock=clock,
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_orders(CONSUMER, EVENTS, deps)
    runtime.consume_activity(ACTIVITY_CONSUMER, ACTIVITY_EVENTS, deps)
    client = http_client(settings.http_timeout_seconds)
    channels = build_channels(settings, client, LocalReceiver(runtime.db, clock))
    runtime.background("deliveries", Deliverer(runtime, deps, channels).run)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            yield
        await client.aclose()

    app = FastAPI(
        title="Gridline notify",
        version="1",
        lifespan=lifespan,
        description="通知：派单、升级、黄红牌、重大事项与系统告警送达责任人（企业微信、短信、Webhook）",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(router)
    app.state.runtime = runtime
    app.state.deps = deps
    app.state.bus = runtime.commands(COMMANDS, deps)
    return app
