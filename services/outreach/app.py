"""The one place that wires outreach: settings, organisation, templates, runtime, jobs, HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.outreach.api import router
from services.outreach.config import OutreachSettings, load_deps
from services.outreach.handlers import COMMANDS, EVENTS
from services.outreach.jobs import check_groups, every, sweep_overdue
from services.outreach.store import InboxRow, OutboxRow
from shared.clock import Clock, StartedClock, SystemClock
from shared.http import install_conventions
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: OutreachSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or OutreachSettings()
    deps = load_deps(settings)
    if clock is None:
        clock = StartedClock(settings.clock_start) if settings.clock_start else SystemClock()
    runtime = ServiceRuntime(
        settings,
        clock=clock,
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.consume_activity("leave", EVENTS, deps)
    bus = runtime.commands(COMMANDS, deps)
    runtime.background(
        "overdue-notices", every(settings.sweep_seconds, "overdue", lambda: sweep_overdue(bus))
    )
    runtime.background(
        "group-gaps",
        every(
            settings.group_check_seconds,
            "group_gaps",
            lambda: check_groups(bus),
            wait_first=True,
        ),
    )
    app = FastAPI(
        title="Gridline outreach",
        version="1",
        lifespan=runtime.lifespan,
        description="涉水通知（模板、按小区派发、发送确认）、微信群登记、培训登记",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(router)
    app.state.runtime = runtime
    app.state.deps = deps
    app.state.bus = bus
    return app
