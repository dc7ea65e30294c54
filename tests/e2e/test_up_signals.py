"""`gridline up` tells its own Ctrl-C from a service's death (issue 22): a terminal's Ctrl-C goes
to the whole process group, so every service stops at the same moment as the supervisor is
asked to — a clean stop, exit 0. A service that dies on its own is still reported, exit 1."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridline.broker import port_is_free
from tests.support.up import start_on_free_ports

# A whole `gridline up` (eight processes): one at a time (xdist_group).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("gridline-up")]

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ["intake", "router", "sla", "scoring", "notify", "outreach", "console"]


@dataclass
class Up:
    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    output: Path

    def printed(self) -> str:
        return self.output.read_text("utf-8", "replace")

    def child(self, service: str) -> int:
        """The pid of one service the supervisor started."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if command[-3:-1] == [b"serve", service.encode()]:
                return int(pid)
        raise AssertionError(f"no {service} process under gridline up")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@asynccontextmanager
async def gridline_up(
    tmp_path: Path, preexec: Callable[[], None] | None = None
) -> AsyncIterator[Up]:
    """`gridline up` in a process group of its own, as a terminal's foreground job is."""
    output = tmp_path / "up.out"

    def start(ports: dict[str, int]) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "gridline", "up", "--var-dir", str(tmp_path / "var")]
        for name, port in ports.items():
            command += [f"--{name}-port", str(port)]
        with output.open("wb") as sink:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=preexec,  # only resets a signal disposition before exec
            )

    process, ports = await start_on_free_ports(
        ["broker", *PROCESSES], start, output, "Press Ctrl-C to stop everything."
    )
    up = Up(process, ports, output)  # type: ignore[arg-type]
    try:
        yield up
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _exit_code(up: Up) -> int:
    return await asyncio.to_thread(up.process.wait, 60)


@pytest.mark.parametrize(
    "started_by",
    [
        pytest.param(None, id="a-terminal"),
        # A script's background job inherits SIGINT ignored; Python keeps that, so the
        # services stopped on the group's Ctrl-C while the supervisor took it for deaths.
        pytest.param(_ignore_sigint, id="a-script-in-the-background"),
    ],
)
async def test_ctrl_c_to_the_process_group_is_a_clean_stop(
    tmp_path: Path, started_by: Callable[[], None] | None
) -> None:
    async with gridline_up(tmp_path, started_by) as up:
        os.killpg(up.process.pid, signal.SIGINT)
        code = await _exit_code(up)
    printed = up.printed()
    assert code == 0, printed
    assert "unexpectedly" not in printed
    assert "stopped." in printed
    assert all(port_is_free("127.0.0.1", port) for port in up.ports.values())


async def test_a_service_that_dies_by_itself_is_still_reported(tmp_path: Path) -> None:
    async with gridline_up(tmp_path) as up:
        os.kill(up.child("intake"), signal.SIGKILL)
        code = await _exit_code(up)
    assert code == 1
    assert "intake stopped unexpectedly" in up.printed()
    assert all(port_is_free("127.0.0.1", port) for port in up.ports.values())
