"""The console's life, what ``shared.runtime.ServiceRuntime`` is to the services: the context the
pages read (accounts database, the services' client, templates, the live hub) and the lifespan
that starts and stops it. The console has no outbox and no consumer group: it reads the services
over HTTP and the topics for live pages only."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from services.console.api.web import ConsoleContext, make_templates
from services.console.config import ConsoleDeps, ConsoleSettings
from services.console.domain.accounts import LockPolicy, demo_accounts
from services.console.domain.sessions import SessionPolicy
from services.console.handlers import AccountDeps, Accounts, SeedAccounts
from services.console.live.reader import EventReader
from services.console.queries import Services
from shared.clock import Clock
from shared.db import Database
from shared.logging import get_logger
from shared.migrations import upgrade
from shared.runtime import STOP_SECONDS, cancel_all
from shared.service import Lifespan

MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger(__name__)


def console_context(settings: ConsoleSettings, deps: ConsoleDeps, clock: Clock) -> ConsoleContext:
    """Built at wiring; nothing is opened until the lifespan starts."""
    db = Database(settings.resolved_database_url())
    policy = LockPolicy(settings.lockout_attempts, timedelta(minutes=settings.lockout_minutes))
    sessions = SessionPolicy(timedelta(hours=settings.session_hours))
    return ConsoleContext(
        settings=settings,
        deps=deps,
        services=Services(settings, clock),
        db=db,
        clock=clock,
        accounts=Accounts(db, clock, AccountDeps(policy, sessions)),
        templates=make_templates(deps, clock),
    )


def lifespan(ctx: ConsoleContext) -> Lifespan:
    settings = ctx.settings

    @asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        await ctx.db.start()
        await upgrade(ctx.db, MIGRATIONS)
        if settings.demo_accounts:
            command = SeedAccounts(tuple(demo_accounts(ctx.deps.org)), settings.demo_password)
            if created := (await ctx.accounts.handle(command)).answer:
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
            await cancel_all(live, STOP_SECONDS)
            await ctx.services.stop()
            await ctx.db.stop()

    return running


def _reader(ctx: ConsoleContext) -> EventReader:
    settings, topics = ctx.settings, ctx.settings.topics()
    return EventReader(
        settings.kafka_bootstrap,
        topics.orders,
        topics.activity,
        ctx.hub,
        fetch_wait_ms=settings.live_fetch_wait_ms,
    )
