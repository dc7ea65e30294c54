"""The console's settings and pages, without the services: secrets, sign-in, CSRF, lock-out."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridline.broker import free_port
from services.console import runtime as app_module
from services.console.app import create_app
from services.console.config import ConsoleSettings
from services.console.domain.accounts import demo_accounts
from shared import order_links
from shared.config import ConfigError

SECRET = "s" * 40


def test_outside_gridline_up_the_built_in_secrets_refuse_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GRIDLINE_SESSION_SECRET"):
        create_app(ConsoleSettings(var_dir=tmp_path, token_secret=SECRET))
    with pytest.raises(ConfigError, match="GRIDLINE_TOKEN_SECRET"):
        create_app(ConsoleSettings(var_dir=tmp_path, session_secret=SECRET))
    create_app(ConsoleSettings(var_dir=tmp_path, session_secret=SECRET, token_secret=SECRET))
    create_app(ConsoleSettings(var_dir=tmp_path, embedded=True))


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # Three of the demo accounts (hashing all of them would only slow the test down).
    wanted = {"operator", "w-0301", "w-0302"}
    monkeypatch.setattr(
        app_module,
        "demo_accounts",
        lambda org: [a for a in demo_accounts(org) if a.username in wanted],
    )
    nowhere = f"http://127.0.0.1:{free_port()}"  # no service listens there
    settings = ConsoleSettings(
        var_dir=tmp_path,
        session_secret=SECRET,
        token_secret=SECRET,
        demo_accounts=True,
        intake_url=nowhere,
        router_url=nowhere,
        sla_url=nowhere,
        scoring_url=nowhere,
    )
    # Deployed (not embedded), the session cookie is Secure: the browser speaks HTTPS.
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


def _csrf(client: TestClient, path: str = "/login") -> str:
    page: str = client.get(path).text
    marker = 'name="csrf_token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_page_needs_a_sign_in_and_a_sign_in_needs_the_form_token(console: TestClient) -> None:
    assert console.get("/inbox", follow_redirects=False).headers["location"] == "/login"
    refused = console.post("/login", data={"username": "operator", "password": "gridline-demo"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    token = _csrf(console)
    signed = console.post(
        "/login",
        data={"username": "operator", "password": "gridline-demo", "csrf_token": token},
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/operator"
    # A new session token after sign-in: the one from the login page no longer posts.
    assert console.post("/logout", data={"csrf_token": token}).status_code == 403
    assert (
        console.post("/logout", data={"csrf_token": _csrf(console, "/search")}).status_code == 200
    )
    assert console.get("/search", follow_redirects=False).status_code == 303


def test_a_role_opening_another_roles_page_gets_a_chinese_403(console: TestClient) -> None:
    token = _csrf(console)
    console.post(
        "/login",
        data={"username": "w-0301", "password": "gridline-demo", "csrf_token": token},
        follow_redirects=False,
    )
    page = console.get("/head")
    assert page.status_code == 403 and "无权" in page.text


def test_a_service_that_cannot_be_reached_is_said_so_in_chinese(console: TestClient) -> None:
    token = _csrf(console)
    console.post(
        "/login", data={"username": "w-0301", "password": "gridline-demo", "csrf_token": token}
    )
    page = console.get("/inbox")  # nothing listens where the router should be
    assert page.status_code == 503 and "派单服务暂时无法连接" in page.text


def test_five_wrong_passwords_lock_even_the_right_one_out(console: TestClient) -> None:
    token = _csrf(console)
    for attempt in range(5):
        answer = console.post(
            "/login", data={"username": "w-0302", "password": f"x{attempt}", "csrf_token": token}
        )
        assert answer.status_code == 401
    assert "已锁定" in answer.text
    right = console.post(
        "/login", data={"username": "w-0302", "password": "gridline-demo", "csrf_token": token}
    )
    assert right.status_code == 401 and "已锁定" in right.text


def _sign_in(client: TestClient, username: str) -> str:
    signed = client.post(
        "/login",
        data={"username": username, "password": "gridline-demo", "csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    return str(signed.headers["location"])


def test_a_messages_order_link_opens_the_order_for_its_person_after_sign_in(
    console: TestClient,
) -> None:
    """Notify's link (issue 10): signed out, sign in first and come back; then the order page,
    whose 签收 button acknowledges in one tap. Another person's link or a forged one opens
    nothing."""
    claims = order_links.LinkClaims("GL-20261127-0001", "W-0301", 1)
    token = order_links.sign(SECRET, claims, datetime.now(UTC), timedelta(hours=72))
    assert console.get(f"/l/{token}", follow_redirects=False).headers["location"] == "/login"
    assert _sign_in(console, "w-0301") == f"/l/{token}"
    opened = console.get(f"/l/{token}", follow_redirects=False)
    assert opened.headers["location"] == "/orders/GL-20261127-0001"

    console.post("/logout", data={"csrf_token": _csrf(console, "/search")})
    assert _sign_in(console, "w-0302") == "/inbox"  # no link pending: the person's own page
    theirs = console.get(f"/l/{token}", follow_redirects=False)
    assert theirs.status_code == 403 and "不是您的链接" in theirs.text
    forged = console.get(f"/l/{token[:-2]}xx", follow_redirects=False)
    assert forged.status_code == 404 and "链接无效" in forged.text
    old = order_links.sign(
        SECRET, claims, datetime.now(UTC) - timedelta(days=4), timedelta(hours=72)
    )
    assert "链接已过期" in console.get(f"/l/{old}", follow_redirects=False).text


def _cookie_of(settings: ConsoleSettings) -> str:
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        page = client.get("/login")  # the page's CSRF token starts a session cookie
    return str(page.headers["set-cookie"]).lower()


def test_the_session_cookie_is_secure_unless_the_console_is_the_embedded_default(
    tmp_path: Path,
) -> None:
    deployed = ConsoleSettings(var_dir=tmp_path, session_secret=SECRET, token_secret=SECRET)
    assert "; secure" in _cookie_of(deployed)
    embedded = ConsoleSettings(var_dir=tmp_path, embedded=True)
    assert "secure" not in _cookie_of(embedded)  # gridline up: plain HTTP on loopback
    assert "; secure" in _cookie_of(embedded.model_copy(update={"cookie_secure": True}))
    plain = deployed.model_copy(update={"cookie_secure": False})
    assert "secure" not in _cookie_of(plain)


def test_a_form_over_the_limit_is_a_chinese_413_page_declared_or_streamed(
    console: TestClient,
) -> None:
    token = _csrf(console)
    big = {"username": "operator", "password": "x" * (70 * 1024), "csrf_token": token}
    declared = console.post("/login", data=big)
    assert declared.status_code == 413 and "提交内容过大" in declared.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield f"csrf_token={token}&username=operator&password=".encode()
        for _ in range(70):
            yield b"x" * 1024

    streamed = console.post(
        "/login",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413 and "提交内容过大" in streamed.text
    assert console.post("/login", data={**big, "password": "x"}).status_code == 401
