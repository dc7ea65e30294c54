"""The console serves docs/asyncapi.json as a page a signed-in user reads offline."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridline.broker import free_port
from services.console import runtime as app_module
from services.console.app import create_app
from services.console.config import ConsoleSettings
from services.console.domain.accounts import demo_accounts

SECRET = "s" * 40
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(
        app_module,
        "demo_accounts",
        lambda org: [a for a in demo_accounts(org) if a.username == "w-0301"],
    )
    nowhere = f"http://127.0.0.1:{free_port()}"
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
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


def _sign_in(client: TestClient) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"username": "w-0301", "password": "gridline-demo", "csrf_token": token}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_the_event_interface_page_needs_a_sign_in(console: TestClient) -> None:
    assert console.get("/asyncapi", follow_redirects=False).headers["location"] == "/login"


def test_the_page_lists_every_topic_operation_and_message_with_no_outside_asset(
    console: TestClient,
) -> None:
    _sign_in(console)
    page = console.get("/asyncapi")
    assert page.status_code == 200
    doc = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    for channel in doc["channels"].values():
        assert f"<code>{channel['address']}</code>" in page.text
    for operation in doc["operations"]:
        assert f"<td>{operation}</td>" in page.text
    # Every event type's fields are on the page, and each type a topic names links to them.
    for name in ("OrderReceived", "OrderReceivedPayload", "DeadLetter", "RawEnvelope"):
        assert f'<h3 id="{name}">' in page.text
    assert '<a href="#OrderDispatched">' in page.text
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page.text), "nothing from outside"
