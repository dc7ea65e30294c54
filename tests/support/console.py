"""The console as people meet it in a test: its own app with the demo accounts, calling the
services over real ports by URL as in production, and a client signed in through the login form."""

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI

from gridline.broker import free_port
from shared.clock import Clock
from tests.support.polling import eventually
from tests.support.system import Environment, serve

SERVICES = ("intake", "router", "sla", "scoring", "notify", "outreach")
DEMO_PASSWORD = "gridline-demo"


@asynccontextmanager
async def listening(app: FastAPI) -> AsyncIterator[str]:
    """An app already started (its lifespan runs in ``serve``) also answering on a real port:
    the console calls the services by URL, as it does in production."""
    port = free_port()
    # log_config=None: uvicorn's own logging setup would replace the process's (masking) one.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> None:
        assert server.started

    await eventually(started, within=10, every=0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Console:
    client: httpx.AsyncClient
    app: FastAPI


@asynccontextmanager
async def running_console(
    env: Environment,
    apps: dict[str, FastAPI],
    clock: Clock | None = None,
    accounts: Sequence[tuple[str, str, str]] = (),
) -> AsyncIterator[Console]:
    """The console with its demo accounts (and ``accounts``: username, name, role, each with the
    demo password), calling the given services (the others refuse)."""
    from services.console.app import create_app
    from services.console.config import ConsoleSettings
    from services.console.domain.accounts import AccountSpec
    from services.console.handlers import AddUser

    async with AsyncExitStack() as stack:
        nowhere = f"http://127.0.0.1:{free_port()}"
        values = await env.settings("console", embedded=True, demo_accounts=True)
        for name in SERVICES:
            app = apps.get(name)
            url = await stack.enter_async_context(listening(app)) if app else nowhere
            values[f"{name}_url"] = url
        console = create_app(ConsoleSettings(**values), clock)
        client = await stack.enter_async_context(serve(console))
        for username, name, role in accounts:
            spec = AccountSpec(username, name, role)
            await console.state.context.accounts.handle(AddUser(spec, DEMO_PASSWORD))
        yield Console(client, console)


async def sign_in(console: httpx.AsyncClient, username: str) -> None:
    """A demo account signed in through the login form: the client keeps its session cookie."""
    console.cookies.clear()
    page = await console.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, page.text
    form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf[1]}
    got = await console.post("/login", data=form)
    assert got.status_code in (302, 303), got.text


async def csrf_of(console: httpx.AsyncClient) -> str:
    """The signed-in session's CSRF token, as every page's forms carry it."""
    page = await console.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found[1]
