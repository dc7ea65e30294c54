"""Outreach, declared: notices from templates, the WeChat group register, trainings; the leave it
keeps from the router; the overdue and group-gap loops."""

from pathlib import Path

from fastapi import FastAPI

from services.outreach.api import router
from services.outreach.config import OutreachSettings, load_deps
from services.outreach.handlers import COMMANDS, EVENTS, CheckGroups, RaiseOverdue
from services.outreach.jobs import count_overdue, gauge_gaps
from services.outreach.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import every
from shared.service import Consumes, Service, Store, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline outreach"
DESCRIPTION = "涉水通知（模板、按小区派发、发送确认）、微信群登记、培训登记"


def create_app(settings: OutreachSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or OutreachSettings()
    overdue = every(settings.sweep_seconds, RaiseOverdue(), name="overdue", after=count_overdue)
    # The first round one interval after start: a register being filled in on its first day
    # is not a month of gaps.
    gaps = every(
        settings.group_check_seconds, CheckGroups(), name="gaps", wait_first=True, after=gauge_gaps
    )
    leave = Consumes("activity", "leave", EVENTS)
    store = Store(MIGRATIONS, OutboxRow, InboxRow)
    spec = Service(TITLE, DESCRIPTION, store, COMMANDS, [router], [leave], [overdue, gaps])
    return build_service(spec, settings, load_deps(settings), clock)
