"""The one place that wires the router: settings → deps (organisation, rules, calendar) →
runtime → the handler tables (consumer and command bus) → routers → the FastAPI app."""

from pathlib import Path

from fastapi import FastAPI

from services.router.api import ROUTERS
from services.router.config import RouterSettings, load_deps
from services.router.handlers import COMMANDS, EVENTS
from services.router.jobs import coverage_loop
from services.router.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: RouterSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RouterSettings()
    deps = load_deps(settings)
    if clock is None:
        clock = started_or_system(settings.clock_start)
    runtime = ServiceRuntime(
        settings,
        clock=clock,
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_orders("dispatch", EVENTS, deps)
    runtime.background(
        "coverage",
        coverage_loop(runtime, deps, settings.coverage_check_seconds, settings.coverage_days),
    )

    app = FastAPI(
        title="Gridline router",
        version="1",
        lifespan=runtime.lifespan,
        description="派单：部门、网格、A/B岗、值班、签收与升级；退单、延期、办结；投诉核实；值班表",
    )
    install_conventions(app, settings.token_secret)
    for router in ROUTERS:
        app.include_router(router)
    app.state.runtime = runtime
    app.state.bus = runtime.commands(COMMANDS, deps)
    app.state.deps = deps
    return app
