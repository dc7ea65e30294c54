"""The router, declared: the order events it dispatches on, the commands people give it over
HTTP, the coverage look-ahead loop and the routers."""

from pathlib import Path

from fastapi import FastAPI

from services.router.api import ROUTERS
from services.router.config import RouterSettings, load_deps
from services.router.handlers import COMMANDS, EVENTS
from services.router.handlers.coverage import CheckCoverage
from services.router.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import every
from shared.service import Consumes, Service, Store, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline router"
DESCRIPTION = "派单：部门、网格、A/B岗、值班、签收与升级；退单、延期、办结；投诉核实；值班表"
COVERAGE_POLL_SECONDS = 2.0  # how soon a roster or leave change is looked at


def create_app(settings: RouterSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RouterSettings()
    look_ahead = CheckCoverage(settings.coverage_check_seconds, settings.coverage_days)
    coverage = every(COVERAGE_POLL_SECONDS, look_ahead, name="coverage", read_only=True)
    dispatch = Consumes("orders", "dispatch", EVENTS)
    store = Store(MIGRATIONS, OutboxRow, InboxRow)
    spec = Service(TITLE, DESCRIPTION, store, COMMANDS, ROUTERS, [dispatch], [coverage])
    return build_service(spec, settings, load_deps(settings), clock)
