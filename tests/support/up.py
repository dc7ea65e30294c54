"""Starting a whole `gridline up` on free ports when other test workers pick ports too.

A port that ``free_port`` found free can be taken by another worker's process before `gridline
up` binds it; `gridline up` then refuses to start and says so. That is the only refusal tried
again here, on newly chosen ports: any other exit is the test's failure."""

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from gridline.broker import free_port
from tests.support.polling import eventually

PORT_TAKEN = "already in use"
ATTEMPTS = 3


async def start_on_free_ports(
    names: Iterable[str],
    start: Callable[[dict[str, int]], subprocess.Popen[bytes] | subprocess.Popen[str]],
    output: Path,
    ready_line: str,
    within: float = 120,
) -> tuple[subprocess.Popen[bytes] | subprocess.Popen[str], dict[str, int]]:
    """Starts ``start(ports)`` until it prints ``ready_line``; the process and its ports."""
    names = list(names)
    for attempt in range(1, ATTEMPTS + 1):
        ports = {name: free_port() for name in names}
        process = start(ports)

        def printed() -> str:
            return output.read_text(encoding="utf-8", errors="replace")

        async def ready_or_exited(
            process: subprocess.Popen[bytes] | subprocess.Popen[str] = process,
        ) -> None:
            assert process.poll() is not None or ready_line in printed()

        await eventually(ready_or_exited, within=within, every=0.5)
        if process.poll() is not None and PORT_TAKEN in printed() and attempt < ATTEMPTS:
            continue
        assert process.poll() is None, printed()
        return process, ports
    raise AssertionError("unreachable: the last attempt returns or fails above")
