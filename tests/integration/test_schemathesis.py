"""schemathesis against each running service with a valid token: no 5xx, and no status code or
content type the OpenAPI document does not name. The case count is bounded (a fixed seed, a few
examples per operation) so the whole run stays within a few minutes."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.served import SERVICES, served
from tests.support.system import Environment, token

pytestmark = pytest.mark.integration

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance"
EXAMPLES_PER_OPERATION = "8"


def run_schemathesis(url: str, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES_PER_OPERATION,
            "--seed",
            "12",
            "--generation-deterministic",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-failures",
            "20",
            "--request-timeout",
            "30",
            "--no-color",
            "-H",
            f"Authorization: {token('admin', 'schemathesis')['Authorization']}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=report,
    )


async def test_every_service_answers_only_what_its_openapi_document_says(
    environment: Environment, tmp_path: Path
) -> None:
    async with served(environment, tmp_path) as urls:
        failures = []
        for service in SERVICES:
            result = await asyncio.to_thread(run_schemathesis, urls[service], tmp_path)
            if result.returncode != 0:
                failures.append(f"--- {service} ---\n{result.stdout}\n{result.stderr[-2000:]}")
        assert failures == [], "\n".join(failures)
