"""Every service is built the same way (issue 15): the same file set, each name with one meaning,
domain code free of I/O and of HTTP, and nothing too long to read in one sitting.

The file set of a service:

- ``app``: the composition root only — settings, runtime, tables and routers wired together;
- ``config``: settings, rule files and the deps bundle handlers receive;
- ``domain/``: pure rules (no database, no HTTP, no broker);
- ``handlers``: ``(message, uow, deps) -> events`` with the ``EVENTS`` and ``COMMANDS`` tables;
- ``store``: tables and repositories; ``queries``: the read side; ``schemas``: HTTP models;
- ``api``: module-level routers, the only place that knows HTTP;
- ``jobs`` and ``metrics`` where the service needs them;
- ``interface``: its Kafka interface declared with FastStream (for ``docs/asyncapi.json``), in
  every service that consumes or publishes events;
- extras the service names itself, in ``EXTRA_MODULES`` of its ``__init__``, each with one line
  saying what it holds.
"""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
REQUIRED = ("app", "config", "domain", "handlers", "store", "queries", "schemas", "api")
OPTIONAL = ("jobs", "metrics", "migrations", "interface")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
# Domain code is pure: none of these may be imported under a service's domain/.
IMPURE = ("fastapi", "starlette", "sqlalchemy", "httpx", "aiokafka", "shared.http", "shared.db")
# Handlers refuse in the domain's words; only the api maps refusals to statuses.
HTTP_ONLY = ("fastapi", "starlette", "shared.http")


def _members(service: str) -> set[str]:
    folder = ROOT / "services" / service
    names = set()
    for entry in folder.iterdir():
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir() and entry.name not in {"static", "templates"}:
            names.add(entry.name)
        elif entry.suffix == ".py":
            names.add(entry.stem)
    return names


def _python_files(*roots: str) -> list[Path]:
    files = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            if "versions" in path.parts and "migrations" in path.parts:
                continue  # generated migration scripts: schema history, not code to read
            files.append(path)
    return files


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _imports_any(path: Path, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in _imports(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_has_the_common_file_set_and_names_its_extras(service: str) -> None:
    members = _members(service)
    missing = [name for name in REQUIRED if name not in members]
    assert not missing, f"services/{service} lacks {missing}"
    assert (ROOT / "services" / service / "domain").is_dir(), "domain/ is a package"
    extras: dict[str, str] = getattr(
        importlib.import_module(f"services.{service}"), "EXTRA_MODULES", {}
    )
    assert all(isinstance(v, str) and v for v in extras.values()), "each extra says what it holds"
    unnamed = sorted(members - set(REQUIRED) - set(OPTIONAL) - set(extras))
    assert not unnamed, (
        f"services/{service} has modules outside the common set that its EXTRA_MODULES does "
        f"not name: {unnamed}"
    )
    stale = sorted(set(extras) - members)
    assert not stale, f"EXTRA_MODULES of services/{service} names modules that are gone: {stale}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_lists_what_it_does_in_its_handler_tables(service: str) -> None:
    handlers = importlib.import_module(f"services.{service}.handlers")
    for table in ("EVENTS", "COMMANDS"):
        entries = getattr(handlers, table, None)
        assert isinstance(entries, dict), f"services.{service}.handlers.{table} is a dict"
        for message, handler in entries.items():
            assert isinstance(message, type), f"{table} is keyed by message classes: {message!r}"
            assert callable(handler), f"{table}[{message.__name__}] is a handler"


@pytest.mark.parametrize("service", SERVICES)
def test_domain_code_does_no_io_and_handlers_know_no_http(service: str) -> None:
    folder = ROOT / "services" / service
    impure = {
        str(p.relative_to(ROOT)): bad
        for p in sorted((folder / "domain").rglob("*.py"))
        if (bad := _imports_any(p, IMPURE))
    }
    assert not impure, f"domain code imports I/O or HTTP: {impure}"
    handler_files = [folder / "handlers.py", *sorted((folder / "handlers").rglob("*.py"))]
    http = {
        str(p.relative_to(ROOT)): bad
        for p in handler_files
        if p.exists() and (bad := _imports_any(p, HTTP_ONLY))
    }
    assert not http, f"handlers import HTTP (raise shared.refusals instead): {http}"


def test_every_module_is_short_enough_to_read() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _python_files("services", "shared", "gridline")
        if (n := p.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_every_function_is_short_enough_to_read() -> None:
    long = {}
    for path in _python_files("services", "shared", "gridline"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = size
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


# Network clients a handler could call while its unit of work holds the database.
NETWORK = ("httpx", "aiohttp", "requests", "urllib.request", "socket", "shared.outbound")


def _builds_http_client(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"AsyncClient", "Client"}:
                return True
    return False


@pytest.mark.parametrize("service", SERVICES)
def test_no_network_io_inside_a_unit_of_work(service: str) -> None:
    """Handlers run inside their unit of work: they import no network client. Every client the
    services build comes from ``shared.outbound.http_client``, which refuses a request while a
    unit of work is open (``tests/unit/test_shared_outbound.py``)."""
    folder = ROOT / "services" / service
    handler_files = [folder / "handlers.py", *sorted((folder / "handlers").rglob("*.py"))]
    network = {
        str(p.relative_to(ROOT)): bad
        for p in handler_files
        if p.exists() and (bad := _imports_any(p, NETWORK))
    }
    assert not network, f"handlers import network clients (send from a job instead): {network}"
    own_clients = [
        str(p.relative_to(ROOT)) for p in sorted(folder.rglob("*.py")) if _builds_http_client(p)
    ]
    assert not own_clients, f"build clients with shared.outbound.http_client: {own_clients}"


# An app.py declares; what opens files, databases, brokers or sockets runs in the lifespan
# (``shared.runtime``, ``services/console/runtime.py``) or behind config's loaders.
APP_IO_IMPORTS = (
    "httpx",
    "requests",
    "aiohttp",
    "urllib",
    "socket",
    "sqlalchemy",
    "aiokafka",
    "asyncpg",
    "aiosqlite",
    "yaml",
    "os",
    "shutil",
    "subprocess",
    "shared.db",
    "shared.migrations",
    "shared.config",
    "shared.topics",
)
APP_IO_CALLS = frozenset(
    {
        # files
        "open",
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "mkdir",
        "unlink",
        "iterdir",
        "glob",
        "rglob",
        "load_yaml",
        # databases and brokers
        "execute",
        "scalar",
        "scalars",
        "commit",
        "transaction",
        "snapshot",
        "begin",
        "upgrade",
        "create_engine",
        "create_async_engine",
        "ensure_topics",
        # the network
        "urlopen",
        "get",
        "post",
        "put",
        "request",
        "send",
        "AsyncClient",
        "Client",
    }
)


def _app_io(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"import {name}" for name in _imports_any(path, APP_IO_IMPORTS)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in APP_IO_CALLS:
                found.append(f"{name}() at line {node.lineno}")
        elif isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncWith | ast.AsyncFor):
            found.append(f"{type(node).__name__} at line {node.lineno}")  # runs, not declares
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_app_py_declares_and_does_no_io(service: str) -> None:
    """Building an app (``gridline serve``, a test) opens nothing: no file, database, broker or
    socket in ``app.py``, which only declares the service for ``shared.service``."""
    path = ROOT / "services" / service / "app.py"
    found = _app_io(path)
    assert not found, f"services/{service}/app.py does I/O (move it to the lifespan): {found}"
    assert "shared.service" in _imports(path), f"services/{service}/app.py uses shared.service"
