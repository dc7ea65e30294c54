"""Intake on its own database with no broker started: its HTTP side and its handlers, for tests
of what it accepts and answers (follow-ups, search, an incident's replies)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from services.intake.app import MIGRATIONS, create_app
from services.intake.config import IntakeSettings
from shared.clock import SystemClock
from shared.migrations import upgrade
from tests.support.databases import DatabaseFactory


@asynccontextmanager
async def intake_alone(
    databases: DatabaseFactory, var_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose ``app`` attribute is the intake app (its runtime, for reading rows)."""
    settings = IntakeSettings(
        database_url=await databases.url("intake"), var_dir=var_dir, log_json=False
    )
    app = create_app(settings, SystemClock())
    runtime = app.state.runtime
    await runtime.db.start()
    await upgrade(runtime.db, MIGRATIONS)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client
    finally:
        await runtime.db.stop()
