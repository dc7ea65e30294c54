"""docs/asyncapi.json is what FastStream generates from the services' declarations, and the
declarations say what the services do: the types their handler tables consume, the events their
code builds, the dead letters they write."""

import ast
import json
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from typer.testing import CliRunner

from gridline.cli import app as cli
from gridline.commands.asyncapi import DOCUMENT, interfaces, render
from gridline.services import SERVICES
from shared.asyncapi import DeadLetter, declared_types, document
from shared.contracts import ActivityEnvelope, Envelope, OrderEnvelope
from shared.messaging import Messaging
from shared.settings import ServiceSettings
from shared.subscription import Subscription
from shared.topics import ACTIVITY, DLQ, ORDERS

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "shared" / "contracts"


def test_the_committed_document_is_the_one_the_declarations_generate() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.json is stale: run `gridline asyncapi` and commit the result"
    )


def test_gridline_asyncapi_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "asyncapi.json"
    result = CliRunner().invoke(cli, ["asyncapi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["asyncapi"] == "3.0.0"
    assert written == json.loads(render())


def test_every_reference_in_the_document_resolves() -> None:
    doc = json.loads(render())

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                target: Any = doc
                for part in node["$ref"].removeprefix("#/").split("/"):
                    assert part in target, f"dangling {node['$ref']}"
                    target = target[part]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def _consumed_tables(service: str) -> dict[str, set[str]]:
    """topic -> type names, from every handler table of the service keyed by event envelopes."""
    handlers = import_module(f"services.{service}.handlers")
    expected: dict[str, set[str]] = {}
    for name, table in vars(handlers).items():
        if name == "COMMANDS" or not isinstance(table, dict) or not table:
            continue
        if not all(isinstance(k, type) and issubclass(k, Envelope) for k in table):
            continue
        for cls in table:
            topic = ORDERS if issubclass(cls, OrderEnvelope) else ACTIVITY
            expected.setdefault(topic, set()).add(cls.__name__)
    return expected


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_declares_exactly_what_its_event_tables_consume(service: str) -> None:
    expected = _consumed_tables(service)
    declared = interfaces().get(service)
    if declared is None:
        assert not expected, f"services/{service} consumes events but has no interface.py"
        return
    received = declared_types(document(declared), "receive")
    received = {topic: names for topic, names in received.items() if topic in (ORDERS, ACTIVITY)}
    assert received == expected


def _event_classes() -> set[str]:
    names = set()
    for path in CONTRACTS.glob("*_events.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(s, ast.AnnAssign) and getattr(s.target, "id", "") == "type"
                for s in node.body
            ):
                names.add(node.name)
    return names


def _built_by(service: str, events: set[str]) -> set[str]:
    """The event classes the service's code constructs: ``envelope(OrderDispatched, ...)``,
    or ``OrderDispatched(...)`` by hand."""
    built = set()
    for path in sorted((ROOT / "services" / service).rglob("*.py")):
        if "migrations" in path.parts or path.name == "interface.py":
            continue
        if "bench" in path.parts:  # drives the service's own handlers in-process; publishes none
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "envelope" and node.args:
                    name = getattr(node.args[0], "id", "")
                if name in events:
                    built.add(name)
    return built


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_declares_exactly_the_events_its_code_builds(service: str) -> None:
    built = _built_by(service, _event_classes())
    declared = interfaces().get(service)
    sent: dict[str, set[str]] = {}
    if declared is not None:
        sent = declared_types(document(declared), "send")
    published = set().union(*(names for topic, names in sent.items() if topic != DLQ))
    assert published == built, (
        f"services/{service}/interface.py publishes {sorted(published - built)} it never "
        f"builds, and misses {sorted(built - published)}"
    )


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_that_consumes_declares_its_dead_letters(service: str) -> None:
    declared = interfaces().get(service)
    if declared is None:
        return
    doc = document(declared)
    assert declared_types(doc, "receive")
    assert declared_types(doc, "send")[DLQ] == {"DeadLetter"}


async def test_a_dead_letter_is_what_the_document_says() -> None:
    letters: list[bytes] = []

    class Producer:
        async def send_and_wait(self, topic: str, value: bytes, **_: Any) -> None:
            letters.append(value)

    messaging = Messaging(ServiceSettings())
    messaging._producer = Producer()
    record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        ORDERS, 2, 41, 0, 0, b"O-1", b'{"type": "OrderReceived"', None, 3, 24, []
    )

    async def never(_: bytes) -> None:
        raise AssertionError

    sub = Subscription(ORDERS, "gridline.router.dispatch", "dispatch", never, 3)
    await messaging.dead_letter(record, dlq=DLQ, sub=sub, reason="not JSON")
    letter = DeadLetter.model_validate_json(letters[0])
    assert (letter.source_topic, letter.partition, letter.offset) == (ORDERS, 2, 41)


def test_activity_and_order_events_are_told_apart_by_their_envelope() -> None:
    # The declarations route a type to its topic by its envelope class, as the outbox does.
    assert not issubclass(ActivityEnvelope, OrderEnvelope)
