"""The one place that wires the console: settings, files, accounts database, the services'
client, sessions and the pages."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from services.console.api import build_pages
from services.console.api.errors import FormLimit, install_pages_errors
from services.console.api.web import (
    ConsoleContext,
    make_templates,
)
from services.console.config import ConsoleSettings, load_deps
from services.console.domain.accounts import LockPolicy, demo_accounts
from services.console.domain.sessions import SessionPolicy
from services.console.handlers import AccountDeps, Accounts, SeedAccounts
from services.console.live.reader import EventReader
from services.console.queries import Services
from shared.clock import Clock, SystemClock
from shared.db import Database
from shared.logging import get_logger
from shared.migrations import upgrade
from shared.runtime import cancel_all

MIGRATIONS = Path(__file__).parent / "migrations"
STATIC = Path(__file__).parent / "static"
log = get_logger(__name__)


@dataclass
class ConsoleRuntime:
    """What `gridline serve` reads from every service: its settings."""

    settings: ConsoleSettings


async def seed_demo_accounts(ctx: ConsoleContext) -> int:
    """The demo organisation's accounts, once, into an empty accounts table."""
    command = SeedAccounts(tuple(demo_accounts(ctx.deps.org)), ctx.settings.demo_password)
    created: int = (await ctx.accounts.handle(command)).answer
    return created


def create_app(settings: ConsoleSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    settings.refuse_dev_secrets()
    deps = load_deps(settings)
    clock = clock or SystemClock()
    db = Database(settings.resolved_database_url())
    policy = LockPolicy(settings.lockout_attempts, timedelta(minutes=settings.lockout_minutes))
    sessions = SessionPolicy(timedelta(hours=settings.session_hours))
    ctx = ConsoleContext(
        settings=settings,
        deps=deps,
        services=Services(settings, clock),
        db=db,
        clock=clock,
        accounts=Accounts(db, clock, AccountDeps(policy, sessions)),
        templates=make_templates(deps, clock),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ctx.db.start()
        await upgrade(ctx.db, MIGRATIONS)
        if settings.demo_accounts:
            created = await seed_demo_accounts(ctx)
            if created:
                log.info("demo_accounts_created", count=created)
        await ctx.services.start()
        live = []
        if settings.live_pages:
            live.append(asyncio.create_task(_reader(ctx).run(), name="console-live"))
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            ctx.hub.close()  # open streams end, so the server's shutdown need not wait on them
            await cancel_all(live, 5.0)
            await ctx.services.stop()
            await ctx.db.stop()

    app = FastAPI(
        title="Gridline console",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.console = ctx
    app.state.runtime = ConsoleRuntime(settings)
    _install_middleware(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(build_pages())
    install_pages_errors(app)
    return app


def _reader(ctx: ConsoleContext) -> EventReader:
    settings, topics = ctx.settings, ctx.settings.topics()
    return EventReader(
        settings.kafka_bootstrap,
        topics.orders,
        topics.activity,
        ctx.hub,
        fetch_wait_ms=settings.live_fetch_wait_ms,
    )


def _install_middleware(app: FastAPI, settings: ConsoleSettings) -> None:
    # Inside the cookie middleware, so that a refusal is the console's own Chinese page.
    app.add_middleware(FormLimit, max_bytes=settings.max_body_bytes)
    # The signed cookie carries the CSRF token, a flash and the session's token; whether that
    # session is still open is the accounts database's to say, on every request.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="gridline_console",
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookie,
    )
