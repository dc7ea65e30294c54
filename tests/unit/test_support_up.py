"""The test helper that starts `gridline up` tries again only when a port was taken."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.up import start_on_free_ports


def _printing(output: Path, text: str, then_wait: bool) -> subprocess.Popen[bytes]:
    code = f"import sys, time; print({text!r}, flush=True); time.sleep(60 if {then_wait} else 0)"
    with output.open("wb") as sink:
        return subprocess.Popen([sys.executable, "-c", code], stdout=sink)


async def test_a_taken_port_is_tried_again_on_new_ports(tmp_path: Path) -> None:
    output = tmp_path / "up.out"
    tries: list[dict[str, int]] = []

    def start(ports: dict[str, int]) -> subprocess.Popen[bytes]:
        tries.append(ports)
        if len(tries) == 1:
            return _printing(output, "notify port 1 already in use", then_wait=False)
        return _printing(output, "Gridline is up", then_wait=True)

    process, ports = await start_on_free_ports(["notify"], start, output, "Gridline is up")
    process.kill()
    process.wait()
    assert len(tries) == 2 and ports == tries[1]


async def test_any_other_exit_fails_at_once(tmp_path: Path) -> None:
    output = tmp_path / "up.out"
    tries: list[dict[str, int]] = []

    def start(ports: dict[str, int]) -> subprocess.Popen[bytes]:
        tries.append(ports)
        return _printing(output, "cannot read the organisation file", then_wait=False)

    with pytest.raises(AssertionError, match="organisation file"):
        await start_on_free_ports(["notify"], start, output, "Gridline is up")
    assert len(tries) == 1
