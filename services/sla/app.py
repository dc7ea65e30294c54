"""The one place that wires the SLA service: settings, policies, runtime, subscribers, poller,
gauges and HTTP."""

import asyncio
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from services.sla import gauges, metrics
from services.sla.api import SlaContext, build_router
from services.sla.handlers import SlaDeps, fire_due, make_order_handler
from services.sla.policies import Policies
from services.sla.settings import SlaSettings
from services.sla.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.config import load_yaml
from shared.http import install_conventions
from shared.logging import get_logger
from shared.runtime import ServiceRuntime
from shared.workdays import WorkCalendar

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


class _Department(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str
    name: str


class _DepartmentNames(BaseModel):
    """Only the department names from the organisation file: the page shows them."""

    model_config = ConfigDict(extra="ignore")
    departments: tuple[_Department, ...] = ()


def create_app(settings: SlaSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or SlaSettings()
    policies = Policies.from_file(settings.config_dir / settings.policies_file)
    calendar = WorkCalendar.from_file(settings.config_dir / settings.calendar_file)
    org = load_yaml(settings.config_dir / settings.org_file, _DepartmentNames)
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    runtime.on_order_events("deadlines", make_order_handler(SlaDeps(policies, calendar)))

    async def poll_deadlines() -> None:
        # Deadlines that passed while the service was down are due at the first round.
        metrics.poller_started(runtime.clock.now())
        while True:
            try:
                while (
                    await fire_due(
                        runtime.db, runtime.outbox, runtime.clock.now(), settings.poll_batch
                    )
                    > 0
                ):
                    pass
            except Exception as exc:
                log.warning("deadline_poll_failed", error=repr(exc))
            await asyncio.sleep(settings.poll_seconds)

    async def recount_gauges() -> None:
        while True:
            try:
                await gauges.recount(runtime.db, runtime.clock.now())
            except Exception as exc:
                log.warning("gauge_recount_failed", error=repr(exc))
            await asyncio.sleep(settings.gauges_seconds)

    runtime.background("deadline-poller", poll_deadlines)
    runtime.background("sla-gauges", recount_gauges)

    app = FastAPI(
        title="Gridline SLA",
        version="1",
        lifespan=runtime.lifespan,
        description="时限：签收、到场、办结、答复；黄牌与红牌",
    )
    install_conventions(app, settings.token_secret)
    app.include_router(
        build_router(
            SlaContext(
                runtime=runtime,
                department_names={d.code: d.name for d in org.departments},
                refresh_seconds=settings.dashboard_refresh_seconds,
                console_url=settings.console_url,
            )
        )
    )
    app.state.runtime = runtime
    return app
