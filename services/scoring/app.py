"""The one place that wires scoring: settings, runtime, subscribers, HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.scoring.api import ScoringContext, build_router
from services.scoring.handlers import count_event
from services.scoring.settings import ScoringSettings
from services.scoring.store import InboxRow, OutboxRow
from shared.clock import Clock, SystemClock
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ScoringSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    runtime = ServiceRuntime(
        settings,
        clock=clock or SystemClock(),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.on_order_events("counts", count_event)
    runtime.on_activity_events("activity", count_event)

    app = FastAPI(
        title="Gridline scoring",
        version="1",
        lifespan=runtime.lifespan,
        description="考核：网格员月度积分、排名与导出",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(build_router(ScoringContext(runtime=runtime)))
    app.state.runtime = runtime
    return app
