"""Fixtures: one real Tansu broker per test process; real databases per test (both backends).

Under pytest-xdist (``make test`` runs ``-n``) every worker is a test process of its own, so it
starts its own broker on a port the kernel hands out: a broker a test loads or kills is one
worker's, never another's. Topics and consumer groups are named per test anyway
(``Environment.namespace``), PostgreSQL databases carry a per-test tag and SQLite files live in
the test's ``tmp_path``, so nothing else is shared between workers.
"""

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import DeclarativeBase

from gridline.broker import BrokerError, EmbeddedBroker, free_port
from shared.paths import EXAMPLES_DIR
from tests.support.databases import DatabaseFactory, require_postgres
from tests.support.system import Environment
from tests.support.units import OpenUnits, ServiceUnits

BACKENDS = ["sqlite", "postgresql"]

# A test that takes one of these needs the real broker or a real database: it is marked
# `integration` (or `e2e`), as is every test in tests/integration (tests/e2e), so that
# `-m "not integration and not e2e"` runs only what needs neither.
_REAL = {"kafka", "databases", "environment"}
_MARKED = {"integration", "e2e"}
_BY_FOLDER = {"integration": "integration", "e2e": "e2e"}


def _missing_marker(item: pytest.Item) -> bool:
    marks = {mark.name for mark in item.iter_markers()}
    folder = _BY_FOLDER.get(item.path.parent.name)
    if folder is not None and folder not in marks:
        return True
    return bool(_REAL & set(getattr(item, "fixturenames", ()))) and not _MARKED & marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [item.nodeid for item in items if _missing_marker(item)]
    if unmarked:
        raise pytest.UsageError(
            "tests without their integration or e2e marker (add `pytestmark = "
            "pytest.mark.integration` or `pytest.mark.e2e` below the imports): "
            + ", ".join(unmarked[:10])
        )


def _start_broker(log: Path, attempts: int = 3) -> EmbeddedBroker:
    """Another worker may take the port between ``free_port`` and Tansu's bind: try another."""
    for _ in range(attempts):
        broker = EmbeddedBroker(free_port(), log_file=log)
        try:
            broker.start()
        except BrokerError:
            continue
        if broker.alive():
            return broker
        broker.stop()
    raise BrokerError(f"the embedded broker did not start in {attempts} attempts; see {log}")


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    broker = _start_broker(tmp_path_factory.mktemp("broker") / "tansu.log")
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


@pytest.fixture
async def service_units(tmp_path: Path) -> AsyncIterator[OpenUnits]:
    """For handler tests: ``await service_units(Base, now)`` is that service's tables on a SQLite
    file with units of work that write to its outbox, as the running service's do."""
    opened: list[ServiceUnits] = []

    async def open_units(base: type[DeclarativeBase], now: datetime) -> ServiceUnits:
        path = tmp_path / f"{base.__module__.split('.')[1]}-{len(opened)}.db"
        opened.append(await ServiceUnits.open(base, path, now))
        return opened[-1]

    yield open_units
    for units in opened:
        await units.close()


def load_example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture
def order_12345() -> dict[str, Any]:
    data: dict[str, Any] = load_example("12345_order.json")
    return data
