"""The console, declared through the same builder as the services (``shared.service``): its clock
picked the one way, its context and lifespan (``runtime``), sessions, static files and pages."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from services.console.api import build_pages
from services.console.api.errors import FormLimit, install_pages_errors
from services.console.config import ConsoleSettings, load_deps
from services.console.runtime import MIGRATIONS, console_context, lifespan
from shared.clock import Clock
from shared.service import make_app, service_clock, set_state

__all__ = ["MIGRATIONS", "create_app"]
STATIC = Path(__file__).parent / "static"


def create_app(settings: ConsoleSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    settings.refuse_dev_secrets()
    deps = load_deps(settings)
    clock = service_clock(settings, clock)
    ctx = console_context(settings, deps, clock)

    def install(app: FastAPI) -> None:
        _install_middleware(app, settings)
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
        install_pages_errors(app)

    app = make_app("Gridline console", "", lifespan(ctx), install, [build_pages()], docs=False)
    set_state(
        app, settings=settings, clock=clock, runtime=None, bus=ctx.accounts, deps=deps, context=ctx
    )
    return app


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
