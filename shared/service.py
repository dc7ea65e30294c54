"""The one way a service is built: each ``app.py`` declares what the service is (title, tables,
consumers, loops, routers) and ``build_service`` wires it — the clock, the runtime, the command
bus, the loops, the HTTP conventions and ``app.state`` (read back through ``shared.state``).

Nothing here runs at import time and nothing does I/O before the lifespan starts, so building an
app (``gridline serve``, a test) touches no file, database or broker.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, FastAPI

from shared.clock import Clock, started_or_system
from shared.http import install_conventions
from shared.inbox import InboxMixin
from shared.loops import Loop
from shared.outbox import OutboxMixin
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.unit_of_work import CommandBus, HandlerTable

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def service_clock(settings: ServiceSettings, clock: Clock | None = None) -> Clock:
    """The clock given (a test's), else ``GRIDLINE_CLOCK_START``'s shifted clock, else real
    time: every service, the console too, picks it this one way."""
    return clock or started_or_system(settings.clock_start)


@dataclass(frozen=True)
class Consumes:
    """One consumer: a topic, the consumer's name (its group) and its ``EVENTS`` table."""

    topic: Literal["orders", "activity"]
    consumer: str
    table: HandlerTable[Any]


@dataclass(frozen=True)
class Raw:
    """A topic whose messages are not our envelopes (intake's ``gridline.intake.raw``): each
    handed, with the command bus, to ``handle``."""

    topic: str
    consumer: str
    handle: Callable[[CommandBus[Any], bytes], Awaitable[None]]


@dataclass(frozen=True)
class Store:
    """Where a service keeps its state: its migrations and its outbox and inbox tables."""

    migrations: Path
    outbox_model: type[OutboxMixin]
    inbox_model: type[InboxMixin]


@dataclass(frozen=True)
class Service:
    """What a service is, as its ``app.py`` declares it."""

    title: str
    description: str
    store: Store
    commands: HandlerTable[Any]
    routers: Sequence[APIRouter]
    consumes: Sequence[Consumes] = ()
    loops: Sequence[Loop] = ()
    raw: Sequence[Raw] = ()
    max_body_bytes: int = 256 * 1024


@dataclass
class Wiring:
    """What a service needs beyond its declaration, made from the runtime once it exists."""

    context: Callable[[ServiceRuntime], object] | None = None
    """What the routes read beyond runtime, bus and deps (the SLA dashboard's settings)."""
    on_stop: Sequence[Callable[[], Awaitable[None]]] = field(default_factory=tuple)
    """Clients to close once the runtime has stopped."""


def build_service(
    spec: Service,
    settings: ServiceSettings,
    deps: object,
    clock: Clock | None = None,
    wiring: Wiring | None = None,
) -> FastAPI:
    wiring = wiring or Wiring()
    runtime = ServiceRuntime(
        settings,
        clock=service_clock(settings, clock),
        migrations_dir=spec.store.migrations,
        outbox_model=spec.store.outbox_model,
        inbox_model=spec.store.inbox_model,
    )
    consume = {"orders": runtime.consume_orders, "activity": runtime.consume_activity}
    for c in spec.consumes:
        consume[c.topic](c.consumer, c.table, deps)
    bus = runtime.commands(spec.commands, deps)
    for loop in spec.loops:
        runtime.background(loop.name, loop.bind(runtime, bus))
    for r in spec.raw:
        runtime.on_raw(getattr(runtime.topics, r.topic), r.consumer, partial(r.handle, bus))
    app = make_app(
        spec.title,
        spec.description,
        _closing(runtime.lifespan, wiring.on_stop),
        lambda app: install_conventions(app, settings.token_secret, spec.max_body_bytes),
        spec.routers,
    )
    set_state(
        app,
        settings=settings,
        clock=runtime.clock,
        runtime=runtime,
        bus=bus,
        deps=deps,
        context=wiring.context(runtime) if wiring.context else None,
    )
    return app


def make_app(
    title: str,
    description: str,
    lifespan: Lifespan,
    install: Callable[[FastAPI], None],
    routers: Sequence[APIRouter],
    docs: bool = True,
) -> FastAPI:
    """The FastAPI app: ``install`` (conventions, middleware) before the routers."""
    hidden: dict[str, Any] = {} if docs else dict.fromkeys(("docs_url", "redoc_url", "openapi_url"))
    app = FastAPI(title=title, version="1", description=description, lifespan=lifespan, **hidden)
    install(app)
    for router in routers:
        app.include_router(router)
    return app


def set_state(
    app: FastAPI,
    *,
    settings: ServiceSettings,
    clock: Clock,
    runtime: object,
    bus: CommandBus[Any],
    deps: object,
    context: object = None,
) -> None:
    """The one shape of ``app.state``, read back through ``shared.state``."""
    app.state.settings = settings
    app.state.clock = clock
    app.state.runtime = runtime
    app.state.bus = bus
    app.state.deps = deps
    app.state.context = context


def _closing(lifespan: Lifespan, on_stop: Sequence[Callable[[], Awaitable[None]]]) -> Lifespan:
    if not on_stop:
        return lifespan

    @asynccontextmanager
    async def closing(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with lifespan(app):
                yield
        finally:
            for close in on_stop:
                await close()

    return closing
