"""The one place that wires intake: settings, rules, runtime, subscribers, reply loop, HTTP."""

import asyncio
from pathlib import Path

from fastapi import FastAPI

from services.intake.announced_events import make_outage_handler
from services.intake.api import IntakeContext, build_router
from services.intake.care_api import CareContext, build_care_router
from services.intake.commands import IntakeCommands
from services.intake.delivery import FileSink, HttpSink, ReplySink, deliver_due
from services.intake.handlers import make_order_handler
from services.intake.incident_api import build_incident_router
from services.intake.outage_api import build_outage_router
from services.intake.raw import parse_raw
from services.intake.rules import IntakeRules
from services.intake.search import build_search_router
from services.intake.settings import IntakeSettings
from services.intake.store import InboxRow, OutboxRow
from services.intake.submit import IntakeDeps
from services.intake.taxonomy import Taxonomy
from shared.clock import Clock, started_or_system
from shared.config import load_yaml
from shared.http import install_conventions
from shared.logging import get_logger
from shared.organisation import Organisation
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


def reply_sinks(settings: IntakeSettings) -> dict[str, ReplySink]:
    def sink(url: str, name: str) -> ReplySink:
        if url:
            return HttpSink(url, settings.reply_timeout_seconds)
        return FileSink(settings.var_dir / "replies" / f"{name}.jsonl")

    return {
        "12345": sink(settings.reply_12345_url, "12345"),
        "callback": sink(settings.reply_callback_url, "callback"),
    }


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    config = settings.config_dir
    deps = IntakeDeps(
        org=load_yaml(config / settings.org_file, Organisation),
        taxonomy=load_yaml(config / settings.taxonomy_file, Taxonomy),
        rules=load_yaml(config / settings.rules_file, IntakeRules),
    )
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    commands = IntakeCommands(runtime, deps)
    runtime.on_order_events("timeline", make_order_handler(deps))
    runtime.on_activity_events("outages", make_outage_handler(deps))

    async def on_raw(raw: bytes) -> None:
        await commands.accept_raw(parse_raw(raw))

    runtime.on_raw(runtime.topics.intake_raw, "raw", on_raw)

    sinks = reply_sinks(settings)

    async def send_replies() -> None:
        # Replies owed before a restart are in the table and go out at the first round.
        while True:
            try:
                while (
                    await deliver_due(
                        runtime.db, runtime.outbox, sinks, runtime.clock.now(), deps.rules.replies
                    )
                    > 0
                ):
                    pass
            except Exception as exc:
                log.warning("reply_round_failed", error=repr(exc))
            await asyncio.sleep(settings.reply_poll_seconds)

    runtime.background("reply-sender", send_replies)

    app = FastAPI(
        title="Gridline intake",
        version="1",
        lifespan=runtime.lifespan,
        description="受理：12345 / 96568 / 网格上报，一单一时间线",
    )
    install_conventions(app, settings.token_secret, max_body_bytes=settings.max_body_bytes)
    app.include_router(
        build_router(
            IntakeContext(runtime=runtime, commands=commands, max_batch=settings.max_batch)
        )
    )
    app.include_router(build_care_router(CareContext(runtime=runtime)))
    app.include_router(build_incident_router(runtime))
    app.include_router(build_outage_router(runtime, deps))
    app.include_router(build_search_router(runtime))
    app.state.runtime = runtime
    return app
