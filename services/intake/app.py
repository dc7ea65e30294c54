"""The one place that wires intake: settings → deps → runtime → handler tables → routers."""

from pathlib import Path

from fastapi import FastAPI

from services.intake.api import ROUTERS
from services.intake.config import IntakeSettings, load_deps
from services.intake.handlers import COMMANDS, EVENTS, EVENTS_FOR_ACTIVITY
from services.intake.handlers.accept import accept_raw
from services.intake.jobs import reply_sender, reply_sinks
from services.intake.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    deps = load_deps(settings)
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_orders("timeline", EVENTS, deps)
    runtime.consume_activity("outages", EVENTS_FOR_ACTIVITY, deps)
    bus = runtime.commands(COMMANDS, deps)

    async def on_raw(raw: bytes) -> None:
        await accept_raw(bus, raw)

    runtime.on_raw(runtime.topics.intake_raw, "raw", on_raw)
    runtime.background(
        "reply-sender",
        reply_sender(
            runtime,
            reply_sinks(settings),
            deps.rules.replies,
            settings.reply_poll_seconds,
            settings.reply_timeout_seconds,
        ),
    )

    app = FastAPI(
        title="Gridline intake",
        version="1",
        lifespan=runtime.lifespan,
        description="受理：12345 / 96568 / 网格上报，一单一时间线",
    )
    install_conventions(app, settings.token_secret, max_body_bytes=settings.max_body_bytes)
    for router in ROUTERS:
        app.include_router(router)
    app.state.runtime = runtime
    app.state.commands = bus
    app.state.settings = settings
    return app
