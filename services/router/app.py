"""The one place that wires the router: settings, organisation, rules, runtime, subscribers and
HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.router.api import RouterContext, build_router
from services.router.config import RouterSettings, load_deps
from services.router.coverage_api import build_coverage_router, coverage_loop
from services.router.handlers import make_order_handler
from services.router.incident_api import build_incident_router
from services.router.preview import build_preview_router
from services.router.roster_api import build_roster_router
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
    runtime.on_order_events("dispatch", make_order_handler(deps))

    app = FastAPI(
        title="Gridline router",
        version="1",
        lifespan=runtime.lifespan,
        description="派单：部门、网格、A/B岗、值班、签收与升级；退单、延期、办结；投诉核实；值班表",
    )
    install_conventions(app, settings.token_secret)
    ctx = RouterContext(runtime=runtime, deps=deps)
    app.include_router(build_router(ctx))
    app.include_router(build_roster_router(ctx))
    app.include_router(build_incident_router(ctx))
    app.include_router(build_preview_router(runtime, deps))
    app.include_router(build_coverage_router(ctx))
    runtime.background(
        "coverage",
        coverage_loop(ctx, settings.coverage_check_seconds, settings.coverage_days),
    )
    app.state.runtime = runtime
    return app
