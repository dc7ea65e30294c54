"""The one place that wires intake: settings, runtime, subscribers, HTTP app."""

from pathlib import Path

from fastapi import FastAPI

from services.intake.api import IntakeContext, build_router
from services.intake.handlers import record_in_timeline
from services.intake.settings import IntakeSettings
from services.intake.store import InboxRow, OutboxRow
from services.intake.taxonomy import Taxonomy
from shared.clock import Clock, SystemClock
from shared.config import load_yaml
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    taxonomy = load_yaml(settings.config_dir / settings.taxonomy_file, Taxonomy)
    runtime = ServiceRuntime(
        settings,
        clock=clock or SystemClock(),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.on_order_events("timeline", record_in_timeline)

    app = FastAPI(
        title="Gridline intake",
        version="1",
        lifespan=runtime.lifespan,
        description="受理：12345 / 96568 / 网格上报，一单一时间线",
    )
    install_conventions(app, settings.token_secret, max_body_bytes=settings.max_body_bytes)
    app.include_router(build_router(IntakeContext(runtime=runtime, taxonomy=taxonomy)))
    app.state.runtime = runtime
    return app
