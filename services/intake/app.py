"""Intake, declared: the orders, reports and calls it takes (HTTP and the raw topic), the order
log it keeps as timelines, the outages it opens, and the reply sender (``jobs.py``)."""

from pathlib import Path

from fastapi import FastAPI

from services.intake.api import ROUTERS
from services.intake.config import IntakeSettings, load_deps
from services.intake.handlers import COMMANDS, EVENTS, EVENTS_FOR_ACTIVITY
from services.intake.handlers.accept import accept_raw
from services.intake.jobs import reply_sender, reply_sinks
from services.intake.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import sending
from shared.service import Consumes, Raw, Service, Store, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline intake"
DESCRIPTION = "受理：12345 / 96568 / 网格上报，一单一时间线"


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    deps = load_deps(settings)
    sinks, rules = reply_sinks(settings), deps.rules.replies
    poll, timeout = settings.reply_poll_seconds, settings.reply_timeout_seconds
    replies = sending("replies", lambda runtime: reply_sender(runtime, sinks, rules, poll, timeout))
    timeline = Consumes("orders", "timeline", EVENTS)
    outages = Consumes("activity", "outages", EVENTS_FOR_ACTIVITY)
    spec = Service(
        TITLE,
        DESCRIPTION,
        Store(MIGRATIONS, OutboxRow, InboxRow),
        COMMANDS,
        ROUTERS,
        [timeline, outages],
        [replies],
        # Sources that are not our envelopes; what cannot be accepted goes to the DLQ.
        raw=[Raw("intake_raw", "raw", accept_raw)],
        max_body_bytes=settings.max_body_bytes,
    )
    return build_service(spec, settings, deps, clock)
