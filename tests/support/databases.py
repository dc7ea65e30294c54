"""Real databases for integration tests: a SQLite file, or a fresh PostgreSQL database per
service per test (created from ``GRIDLINE_TEST_DATABASE_URL`` and dropped afterwards)."""

import os
import uuid
from pathlib import Path

import asyncpg
import pytest

PG_ENV = "GRIDLINE_TEST_DATABASE_URL"
# The Makefile's default too: a bare `pytest` runs the PostgreSQL leg wherever one answers here.
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str | None:
    return os.environ.get(PG_ENV, PG_DEFAULT) or None


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


async def require_postgres() -> str:
    """The admin URL, or skip — except under CI, where a missing PostgreSQL is a failure."""
    url = postgres_admin_url()
    in_ci = os.environ.get("CI", "").lower() == "true"
    if url is None:
        if in_ci:
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL leg must run")
        pytest.skip(f"{PG_ENV} not set: PostgreSQL leg skipped")
    try:
        conn = await asyncpg.connect(_plain(url), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if in_ci:
            pytest.fail(f"CI=true but PostgreSQL at {url} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {url} unreachable: {exc}")
    await conn.close()
    return url


class DatabaseFactory:
    """Hands out one database URL per service name, all cleaned up by ``close``."""

    def __init__(self, backend: str, tmp_path: Path, admin_url: str | None) -> None:
        self.backend = backend
        self._tmp = tmp_path
        self._admin = admin_url
        self._created: list[str] = []
        self._tag = uuid.uuid4().hex[:8]

    async def url(self, service: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self._tmp / (service + '.db')}"
        assert self._admin is not None
        name = f"gl_{self._tag}_{service}"
        conn = await asyncpg.connect(_plain(self._admin))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self._created.append(name)
        return _with_database(self._admin, name)

    async def url_template(self, services: list[str]) -> str:
        """For ``gridline up --database-url``: one database per service, named by ``{service}``."""
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self._tmp}/{{service}}.db"
        for service in services:
            await self.url(service)
        assert self._admin is not None
        return _with_database(self._admin, f"gl_{self._tag}_{{service}}")

    async def close(self) -> None:
        if not self._created or self._admin is None:
            return
        conn = await asyncpg.connect(_plain(self._admin))
        try:
            for name in self._created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
