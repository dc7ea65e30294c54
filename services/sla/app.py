"""The one place that wires the SLA service: settings, runtime, subscribers, poller, HTTP."""

import asyncio
from pathlib import Path

from fastapi import FastAPI

from services.sla.api import SlaContext, build_router
from services.sla.handlers import fire_due, make_order_handler
from services.sla.settings import SlaSettings
from services.sla.store import InboxRow, OutboxRow
from shared.clock import Clock, SystemClock
from shared.http import install_conventions
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


def create_app(settings: SlaSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or SlaSettings()
    runtime = ServiceRuntime(
        settings,
        clock=clock or SystemClock(),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.on_order_events("deadlines", make_order_handler(settings.resolve_hours_default))

    async def poll_deadlines() -> None:
        # Deadlines that passed while the service was down are due at the first round.
        while True:
            try:
                while await fire_due(runtime.db, runtime.outbox, runtime.clock.now()) > 0:
                    pass
            except Exception as exc:
                log.warning("deadline_poll_failed", error=repr(exc))
            await asyncio.sleep(settings.poll_seconds)

    runtime.background("deadline-poller", poll_deadlines)

    app = FastAPI(
        title="Gridline SLA",
        version="1",
        lifespan=runtime.lifespan,
        description="时限：签收、到场、办结、答复；黄牌与红牌",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(build_router(SlaContext(runtime=runtime)))
    app.state.runtime = runtime
    return app
