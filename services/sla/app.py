"""The SLA service, declared: the order events that start and stop deadlines, the poller that
fires them and the gauges' recount (both through ``COMMANDS``), the dashboard and its API."""

from pathlib import Path

from fastapi import FastAPI

from services.sla import api, metrics
from services.sla.config import SlaSettings, department_names, load_deps
from services.sla.handlers import COMMANDS, EVENTS
from services.sla.handlers.poller import FireDue, RecountGauges, observe_fired
from services.sla.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import every
from shared.service import Consumes, Service, Store, Wiring, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline SLA"
DESCRIPTION = "时限：签收、到场、办结、答复；黄牌与红牌"


def create_app(settings: SlaSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or SlaSettings()
    # Batch after batch while deadlines are due (those that passed while the service was down
    # are due at the first round), then a pause.
    poller = every(
        settings.poll_seconds,
        FireDue(settings.poll_batch),
        name="deadline-poller",
        again=True,
        after=observe_fired,
        on_start=metrics.poller_started,
    )
    gauges = every(settings.gauges_seconds, RecountGauges(), name="gauges", read_only=True)
    deadlines = Consumes("orders", "deadlines", EVENTS)
    store = Store(MIGRATIONS, OutboxRow, InboxRow)
    spec = Service(TITLE, DESCRIPTION, store, COMMANDS, [api.router], [deadlines], [poller, gauges])
    names = department_names(settings)
    dashboard = Wiring(
        context=lambda runtime: api.SlaContext(
            runtime, names, settings.dashboard_refresh_seconds, settings.console_url
        )
    )
    return build_service(spec, settings, load_deps(settings), clock, dashboard)
