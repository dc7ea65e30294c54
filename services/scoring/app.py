"""Scoring, declared: the events its counts are made of (both topics), the commands heads and the
office give it, the late-task sweep (Art. 18(一)7) and its HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.scoring.api import router
from services.scoring.config import ScoringSettings, load_deps
from services.scoring.handlers import (
    ACTIVITY_CONSUMER,
    ACTIVITY_EVENTS,
    COMMANDS,
    EVENTS,
    ORDERS_CONSUMER,
    RaiseLateTasks,
)
from services.scoring.store import InboxRow, OutboxRow
from shared.clock import Clock
from shared.loops import every
from shared.service import Consumes, Service, Store, build_service

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "Gridline scoring"
DESCRIPTION = "考核：网格员月度积分、排名、季度星级、年度评优与导出（第十八条）"


def create_app(settings: ScoringSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    orders = Consumes("orders", ORDERS_CONSUMER, EVENTS)
    activity = Consumes("activity", ACTIVITY_CONSUMER, ACTIVITY_EVENTS)
    # Assigned tasks whose deadline passed while still open become late, each once.
    late_tasks = every(settings.task_sweep_seconds, RaiseLateTasks(), name="late-tasks")
    store = Store(MIGRATIONS, OutboxRow, InboxRow)
    spec = Service(TITLE, DESCRIPTION, store, COMMANDS, [router], [orders, activity], [late_tasks])
    return build_service(spec, settings, load_deps(settings), clock)
