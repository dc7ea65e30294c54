"""The one place that wires the router: settings, organisation, runtime, subscribers, HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.router.api import RouterContext, build_router
from services.router.handlers import RouterDeps, make_order_handler
from services.router.settings import RouterSettings
from services.router.store import InboxRow, OutboxRow
from shared.clock import Clock, SystemClock
from shared.config import load_yaml
from shared.http import install_conventions
from shared.organisation import Organisation
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: RouterSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RouterSettings()
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    runtime = ServiceRuntime(
        settings,
        clock=clock or SystemClock(),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    deps = RouterDeps(org, settings.ack_minutes_normal, settings.ack_minutes_urgent)
    runtime.on_order_events("dispatch", make_order_handler(deps))

    app = FastAPI(
        title="Gridline router",
        version="1",
        lifespan=runtime.lifespan,
        description="派单：部门、网格、A/B岗、值班、签收与升级",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(build_router(RouterContext(runtime=runtime)))
    app.state.runtime = runtime
    return app
