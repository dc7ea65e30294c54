"""The one place that wires scoring: settings, rule book, organisation, subscribers, HTTP."""

from pathlib import Path

from fastapi import FastAPI

from services.scoring.api import ScoringContext, build_router
from services.scoring.handlers import make_handler
from services.scoring.operations import ACTIVITY_CONSUMER, ORDERS_CONSUMER, Scoring
from services.scoring.rules import load_rules
from services.scoring.settings import ScoringSettings
from services.scoring.store import InboxRow, OutboxRow
from shared.clock import Clock, started_or_system
from shared.config import load_yaml
from shared.http import install_conventions
from shared.organisation import Organisation
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ScoringSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    book = load_rules(settings.config_dir / settings.rules_file)
    runtime = ServiceRuntime(
        settings,
        clock=clock or started_or_system(settings.clock_start),
        migrations_dir=MIGRATIONS,
        outbox_model=OutboxRow,
        inbox_model=InboxRow,
    )
    handler = make_handler(book)
    runtime.on_order_events(ORDERS_CONSUMER, handler)
    runtime.on_activity_events(ACTIVITY_CONSUMER, handler)

    app = FastAPI(
        title="Gridline scoring",
        version="1",
        lifespan=runtime.lifespan,
        description="考核：网格员月度积分、排名、季度星级、年度评优与导出（第十八条）",
    )
    install_conventions(app, settings.token_secret)
    scoring = Scoring(runtime, book, org)
    app.include_router(build_router(ScoringContext(scoring)))
    app.state.runtime = runtime
    app.state.scoring = scoring
    return app
