"""The one place that wires scoring: settings, rule book, organisation, subscribers, jobs, HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.scoring.api import router
from services.scoring.config import ScoringDeps, ScoringSettings, load_rules
from services.scoring.handlers import (
    ACTIVITY_CONSUMER,
    ACTIVITY_EVENTS,
    COMMANDS,
    EVENTS,
    ORDERS_CONSUMER,
)
from services.scoring.jobs import every, sweep_late_tasks
from services.scoring.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.config import load_yaml
from shared.http import install_conventions
from shared.organisation import Organisation
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ScoringSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    deps = ScoringDeps(
        book=load_rules(settings.config_dir / settings.rules_file),
        org=load_yaml(settings.config_dir / settings.org_file, Organisation),
    )
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_orders(ORDERS_CONSUMER, EVENTS, deps)
    runtime.consume_activity(ACTIVITY_CONSUMER, ACTIVITY_EVENTS, deps)
    bus = runtime.commands(COMMANDS, deps)
    runtime.background(
        "late-tasks",
        every(settings.task_sweep_seconds, "late_tasks", lambda: sweep_late_tasks(bus)),
    )

    app = FastAPI(
        title="Gridline scoring",
        version="1",
        lifespan=runtime.lifespan,
        description="考核：网格员月度积分、排名、季度星级、年度评优与导出（第十八条）",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(router)
    app.state.runtime = runtime
    app.state.deps = deps
    app.state.bus = bus
    return app
