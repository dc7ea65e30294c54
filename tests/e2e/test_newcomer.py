"""What a newcomer does: `gridline up`, post the example 12345 order, watch it being dispatched,
Ctrl-C. Nothing in-process: the real command, real ports, the real broker it starts."""

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.masking import has_unmasked_mobile
from shared.paths import EXAMPLES_DIR
from tests.support.databases import DatabaseFactory
from tests.support.polling import eventually
from tests.support.up import start_on_free_ports

# A whole `gridline up` (eight processes): one at a time (xdist_group).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("gridline-up")]

GRIDLINE = str(Path(sys.executable).parent / "gridline")
SERVICES = ["intake", "router", "sla", "scoring", "notify", "outreach"]


@dataclass
class Started:
    process: subprocess.Popen[str]
    ports: dict[str, int]
    output: Path

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def printed(self) -> str:
        return self.output.read_text(encoding="utf-8")


def _token(role: str) -> str:
    return subprocess.run(
        [GRIDLINE, "token", "--role", role], check=True, capture_output=True, text=True
    ).stdout.strip()


def _up_command(ports: dict[str, int], var_dir: Path, database_url: str) -> list[str]:
    command = [GRIDLINE, "up", "--var-dir", str(var_dir)]
    for name, port in ports.items():
        command += [f"--{name}-port", str(port)]
    if database_url:
        command += ["--database-url", database_url]
    return command


@asynccontextmanager
async def gridline_up(tmp_path: Path, database_url: str = "") -> AsyncIterator[Started]:
    output = tmp_path / "up.out"

    def start(ports: dict[str, int]) -> subprocess.Popen[str]:
        with output.open("w", encoding="utf-8") as sink:
            return subprocess.Popen(
                _up_command(ports, tmp_path / "var", database_url),
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
            )

    process, ports = await start_on_free_ports(
        ["broker", *SERVICES, "console"], start, output, "Gridline is up"
    )
    started = Started(process, ports, output)  # type: ignore[arg-type]
    try:
        yield started
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(process.wait, 60)
            except subprocess.TimeoutExpired:
                process.kill()


async def _walk_the_order_through(started: Started) -> None:
    operator = {"Authorization": f"Bearer {_token('operator')}"}
    order: Any = json.loads((EXAMPLES_DIR / "12345_order.json").read_text(encoding="utf-8"))
    async with httpx.AsyncClient(timeout=10) as http:
        created = await http.post(
            f"{started.url('intake')}/v1/orders/12345", json=order, headers=operator
        )
        assert created.status_code == 201, created.text
        order_id = created.json()["order_id"]

        async def dispatched() -> dict[str, Any]:
            view = (
                await http.get(f"{started.url('intake')}/v1/orders/{order_id}", headers=operator)
            ).json()
            types = [e["type"] for e in view["timeline"]]
            # The example was accepted by 12345 hours ago, so red cards may already stand
            # beside the dispatch: only the reception must come first.
            assert types[0] == "OrderReceived" and "OrderDispatched" in types, types
            return next(e for e in view["timeline"] if e["type"] == "OrderDispatched")

        dispatch = await eventually(dispatched, within=60)
        assert dispatch["payload"]["grid"] == "UM-DC-03"
        assert "派单至" in dispatch["summary"]

        for service in SERVICES:
            docs = await http.get(f"{started.url(service)}/openapi.json")
            assert docs.status_code == 200
            metrics = await http.get(f"{started.url(service)}/metrics")
            assert "gridline_http_requests_total" in metrics.text


async def test_a_newcomer_starts_everything_posts_an_order_and_sees_it_dispatched(
    tmp_path: Path,
) -> None:
    async with gridline_up(tmp_path) as started:
        await _walk_the_order_through(started)

        # A second `gridline up` on the same ports says which port is taken, no traceback.
        again = await asyncio.to_thread(
            subprocess.run,
            _up_command(started.ports, tmp_path / "var2", ""),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == 1
        assert f"broker port {started.ports['broker']}" in again.stderr
        assert "already in use" in again.stderr
        assert "Traceback" not in again.stderr + again.stdout

        started.process.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(started.process.wait, 60)
    assert code == 0
    _no_unmasked_phone_in_any_log(tmp_path / "var")
    assert "stopped." in started.printed()
    for port in started.ports.values():
        with pytest.raises(OSError):
            _connect(port)
    for name in SERVICES:
        assert (tmp_path / "var" / f"{name}.db").exists()


async def test_the_same_walk_on_postgresql(tmp_path: Path) -> None:
    from tests.support.databases import require_postgres

    admin = await require_postgres()
    databases = DatabaseFactory("postgresql", tmp_path, admin)
    try:
        template = await databases.url_template([*SERVICES, "console"])
        async with gridline_up(tmp_path, database_url=template) as started:
            await _walk_the_order_through(started)
    finally:
        await databases.close()


def _no_unmasked_phone_in_any_log(var: Path) -> None:
    """Everything the whole system wrote — each service, the broker — is scanned: the caller's
    number is in the logs (intake logs every order it receives), and only masked."""
    logs = {path: path.read_text("utf-8", "replace") for path in (var / "logs").glob("*.log")}
    assert set(p.name for p in logs) >= {f"{s}.log" for s in SERVICES}
    leaks = [
        f"{path.name}: {line[:160]}"
        for path, text in logs.items()
        for line in text.splitlines()
        if has_unmasked_mobile(line)
    ]
    assert leaks == []
    assert "139****1234" in logs[var / "logs" / "intake.log"]


def _connect(port: int) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
