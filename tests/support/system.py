"""The services run in-process on the real broker and real databases, driven over HTTP."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from shared.auth import issue_token
from shared.clock import Clock, SystemClock
from shared.settings import DEV_TOKEN_SECRET
from shared.topics import Topics
from tests.support.databases import DatabaseFactory


def token(role: str, subject: str = "test") -> dict[str, str]:
    jwt = issue_token(DEV_TOKEN_SECRET, role, subject, datetime.now(UTC), timedelta(hours=1))
    return {"Authorization": f"Bearer {jwt}"}


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Starts the app's lifespan (database, broker, loops) and hands back an HTTP client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


@dataclass
class Environment:
    """Where one test's services live: a namespace of topics and consumer groups of its own."""

    bootstrap: str
    databases: DatabaseFactory
    namespace: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}")

    @property
    def topics(self) -> Topics:
        return Topics.named(self.namespace)

    async def settings(self, service: str, **overrides: Any) -> dict[str, Any]:
        database_url = overrides.get("database_url") or await self.databases.url(service)
        return {
            "kafka_bootstrap": self.bootstrap,
            "kafka_partitions": 3,
            "topic_namespace": self.namespace,
            "consumer_group_prefix": self.namespace,
            "database_url": database_url,
            "outbox_poll_seconds": 0.05,
            "kafka_session_timeout_ms": 2500,
            "log_json": False,
            **overrides,
        }

    def env(self, settings: dict[str, Any]) -> dict[str, str]:
        """The same settings as GRIDLINE_ environment variables, for a subprocess."""
        return {f"GRIDLINE_{k.upper()}": str(v) for k, v in settings.items()}


@dataclass
class System:
    intake: httpx.AsyncClient
    router: httpx.AsyncClient
    sla: httpx.AsyncClient
    scoring: httpx.AsyncClient
    apps: dict[str, FastAPI]
    notify: httpx.AsyncClient | None = None
    outreach: httpx.AsyncClient | None = None


@asynccontextmanager
async def run_system(
    env: Environment,
    clocks: dict[str, Clock] | None = None,
    only: tuple[str, ...] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> AsyncIterator[System]:
    from services.intake.app import create_app as intake_app
    from services.intake.config import IntakeSettings
    from services.notify.app import create_app as notify_app
    from services.notify.config import NotifySettings
    from services.outreach.app import create_app as outreach_app
    from services.outreach.config import OutreachSettings
    from services.router.app import create_app as router_app
    from services.router.config import RouterSettings
    from services.scoring.app import create_app as scoring_app
    from services.scoring.config import ScoringSettings
    from services.sla.app import create_app as sla_app
    from services.sla.config import SlaSettings

    clocks = clocks or {}
    factories = {
        "intake": lambda s, c: intake_app(IntakeSettings(**s), c),
        "router": lambda s, c: router_app(RouterSettings(**s), c),
        "sla": lambda s, c: sla_app(SlaSettings(**s, poll_seconds=0.1), c),
        "scoring": lambda s, c: scoring_app(ScoringSettings(**s), c),
        "notify": lambda s, c: notify_app(NotifySettings(**s), c),
        "outreach": lambda s, c: outreach_app(OutreachSettings(**s), c),
    }
    # The first four unless asked: notify and outreach run where a test names them.
    wanted = only or ("intake", "router", "sla", "scoring")
    async with AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        apps: dict[str, FastAPI] = {}
        for name in wanted:
            settings = await env.settings(name, **(overrides or {}).get(name, {}))
            app = factories[name](settings, clocks.get(name, SystemClock()))
            apps[name] = app
        # Started side by side: each one's consumer-group join takes a moment on its own.
        started = await asyncio.gather(
            *(stack.enter_async_context(serve(app)) for app in apps.values())
        )
        clients = dict(zip(apps, started, strict=True))
        yield System(
            intake=clients.get("intake"),  # type: ignore[arg-type]
            router=clients.get("router"),  # type: ignore[arg-type]
            sla=clients.get("sla"),  # type: ignore[arg-type]
            scoring=clients.get("scoring"),  # type: ignore[arg-type]
            apps=apps,
            notify=clients.get("notify"),
            outreach=clients.get("outreach"),
        )
