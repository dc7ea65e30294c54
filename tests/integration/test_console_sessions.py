"""Console sessions the server ends (issue 22): a copied cookie is refused once its session was
signed out, the password reset or the account disabled, on SQLite and PostgreSQL."""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from gridline.broker import free_port
from services.console import runtime as app_module
from services.console.app import create_app
from services.console.config import ConsoleSettings
from services.console.domain.accounts import demo_accounts
from shared.clock import ManualClock
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration

SECRET = "s" * 40
ROOT = Path(__file__).resolve().parents[2]
COOKIE = "gridline_console"


@asynccontextmanager
async def console(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The console as deployed (not embedded: its cookie is Secure, so the client speaks
    HTTPS) and its database's URL, for `gridline users` beside it."""
    monkeypatch.setattr(
        app_module,
        "demo_accounts",
        lambda org: [a for a in demo_accounts(org) if a.username in {"w-0301", "w-0302"}],
    )
    url = await databases.url("console")
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = ConsoleSettings(
        database_url=url,
        session_secret=SECRET,
        token_secret=SECRET,
        demo_accounts=True,
        router_url=nowhere,
    )
    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://console") as client:
            yield client, url


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def _sign_in(client: httpx.AsyncClient, username: str) -> str:
    """Signs in; hands back the session cookie as a copy of it would be taken."""
    token = _csrf((await client.get("/login")).text)
    signed = await client.post(
        "/login", data={"username": username, "password": "gridline-demo", "csrf_token": token}
    )
    assert signed.status_code == 303, signed.text
    assert "secure" in signed.headers["set-cookie"].lower()
    return str(client.cookies[COOKIE])


async def _signed_in_with(client: httpx.AsyncClient, cookie: str) -> bool:
    """Whether a request carrying only this cookie is let in (`/` sends a signed-in user to
    their own page and anyone else to the sign-in page)."""
    transport = client._transport  # the same app, a browser of its own
    async with httpx.AsyncClient(
        transport=transport, base_url="https://console", cookies={COOKIE: cookie}
    ) as other:
        answer = await other.get("/", follow_redirects=False)
    assert answer.status_code == 303
    return answer.headers["location"] != "/login"


def _users(url: str, *args: str) -> None:
    """`gridline users …` as an administrator runs it, on the console's database."""
    env = {**os.environ, "GRIDLINE_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "gridline", "users", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


async def test_signing_out_refuses_every_copy_of_the_cookie(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    async with console(databases, monkeypatch, clock) as (client, _url):
        elsewhere = await _sign_in(client, "w-0301")  # the same person on a second device
        other_person = await _sign_in(client, "w-0302")
        copied = await _sign_in(client, "w-0301")
        assert await _signed_in_with(client, copied)

        token = _csrf((await client.get("/login")).text)
        assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
        assert COOKIE not in client.cookies or client.cookies[COOKIE] != copied

        assert not await _signed_in_with(client, copied)
        assert not await _signed_in_with(client, elsewhere)
        assert await _signed_in_with(client, other_person)  # another account's session stays


async def test_a_session_ends_on_the_server_after_its_hours_whatever_the_cookie_says(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    async with console(databases, monkeypatch, clock) as (client, _url):
        copied = await _sign_in(client, "w-0301")
        clock.advance(timedelta(hours=9, minutes=59))
        assert await _signed_in_with(client, copied)
        clock.advance(timedelta(minutes=2))
        assert not await _signed_in_with(client, copied)


async def test_a_password_reset_and_disabling_end_the_accounts_sessions(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    async with console(databases, monkeypatch, clock) as (client, url):
        reset = await _sign_in(client, "w-0301")
        disabled = await _sign_in(client, "w-0302")

        await asyncio.to_thread(_users, url, "reset", "w-0301", "--password", "a-new-secret")
        assert not await _signed_in_with(client, reset)
        assert await _signed_in_with(client, disabled)

        await asyncio.to_thread(_users, url, "disable", "w-0302")
        assert not await _signed_in_with(client, disabled)
