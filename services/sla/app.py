"""The one place that wires the SLA service: settings → deps → runtime → the event table and
the background jobs → the routers → the FastAPI app."""

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from services.sla import api, jobs
from services.sla.config import SlaSettings, department_names, load_deps
from services.sla.handlers import EVENTS
from services.sla.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "deadlines"


def create_app(settings: SlaSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or SlaSettings()
    deps = load_deps(settings)
    names = department_names(settings)
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_orders(CONSUMER, EVENTS, deps)
    runtime.background("deadline-poller", partial(jobs.poll_deadlines, runtime, settings))
    runtime.background("sla-gauges", partial(jobs.recount_gauges, runtime, settings))

    app = FastAPI(
        title="Gridline SLA",
        version="1",
        lifespan=runtime.lifespan,
        description="时限：签收、到场、办结、答复；黄牌与红牌",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(api.router)
    app.state.runtime = runtime
    app.state.sla = api.SlaContext(
        runtime=runtime,
        department_names=names,
        refresh_seconds=settings.dashboard_refresh_seconds,
        console_url=settings.console_url,
    )
    return app
