"""The services as they run in production: `gridline serve <service>` processes on real ports,
on the test's broker and databases, for tools that speak real HTTP (schemathesis)."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from gridline.broker import free_port
from tests.support.polling import eventually
from tests.support.system import Environment

SERVICES = ("intake", "router", "sla", "scoring", "notify", "outreach")
GRIDLINE = Path(sys.executable).with_name("gridline")


@asynccontextmanager
async def served(
    env: Environment, logs: Path, services: tuple[str, ...] = SERVICES
) -> AsyncIterator[dict[str, str]]:
    """Each service's base URL; the processes are stopped on leaving."""
    processes: list[asyncio.subprocess.Process] = []
    urls: dict[str, str] = {}
    try:
        for service in services:
            port = free_port()
            variables = env.env(await env.settings(service, port=port, log_json=False))
            log = (logs / f"{service}.log").open("wb")
            processes.append(
                await asyncio.create_subprocess_exec(
                    str(GRIDLINE),
                    "serve",
                    service,
                    env={**os.environ, **variables},
                    stdout=log,
                    stderr=asyncio.subprocess.STDOUT,
                )
            )
            urls[service] = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            for service, url in urls.items():

                async def ready(url: str = url, service: str = service) -> None:
                    try:
                        health = (await client.get(f"{url}/healthz")).json()
                    except httpx.HTTPError as exc:
                        raise AssertionError(f"{service} not up: {exc}") from exc
                    assert health["ready"], health

                await eventually(ready, within=90)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
