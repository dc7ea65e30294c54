"""Fixtures: one real Tansu broker for the session; real databases per test (both backends)."""

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from gridline.broker import EmbeddedBroker, free_port
from shared.paths import EXAMPLES_DIR
from tests.support.databases import DatabaseFactory, require_postgres
from tests.support.system import Environment

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    broker = EmbeddedBroker(free_port(), log_file=log)
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture(params=BACKENDS)
async def databases(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[DatabaseFactory]:
    backend: str = request.param
    admin = await require_postgres() if backend == "postgresql" else None
    factory = DatabaseFactory(backend, tmp_path, admin)
    yield factory
    await factory.close()


@pytest.fixture
def environment(kafka: EmbeddedBroker, databases: DatabaseFactory) -> Environment:
    return Environment(bootstrap=kafka.bootstrap, databases=databases)


def load_example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture
def order_12345() -> dict[str, Any]:
    data: dict[str, Any] = load_example("12345_order.json")
    return data
