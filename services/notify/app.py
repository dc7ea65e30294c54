"""Notify, declared: the order and activity events it tells people of, Alertmanager's webhook,
and the delivery loop that sends (claim → send → record, ``jobs.py``)."""

from pathlib import Path

from fastapi import FastAPI

from services.notify.api import router
from services.notify.config import NotifySettings, load_deps
from services.notify.handlers import ACTIVITY_CONSUMER, ACTIVITY_EVENTS, COMMANDS, EVENTS
from services.notify.jobs import deliverer
from services.notify.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import sending
from shared.outbound import http_client
from shared.service import Consumes, Service, Store, Wiring, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline notify"
DESCRIPTION = "通知：派单、升级、黄红牌、重大事项与系统告警送达责任人（企业微信、短信、Webhook）"


def create_app(settings: NotifySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    deps = load_deps(settings)
    client = http_client(settings.http_timeout_seconds)  # one pool for every channel
    deliveries = sending("deliveries", deliverer(deps, client))
    orders = Consumes("orders", "notify", EVENTS)
    activity = Consumes("activity", ACTIVITY_CONSUMER, ACTIVITY_EVENTS)
    store = Store(MIGRATIONS, OutboxRow, InboxRow)
    spec = Service(TITLE, DESCRIPTION, store, COMMANDS, [router], [orders, activity], [deliveries])
    return build_service(spec, settings, deps, clock, Wiring(on_stop=[client.aclose]))
