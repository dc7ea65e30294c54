"""``gridline bench --postgres`` gives every process it starts a database of its own (notify
failed to start once the bench counted it: its database had never been made)."""

import asyncpg
import pytest

from gridline.bench_probe import postgres_template
from gridline.services import SERVICES
from tests.support.databases import require_postgres

pytestmark = pytest.mark.integration


async def test_the_bench_makes_and_drops_a_database_for_every_process() -> None:
    admin = await require_postgres()
    plain = admin.replace("postgresql+asyncpg://", "postgresql://", 1)
    template = await postgres_template(admin, True)
    try:
        assert template.endswith("/gl_bench_{service}")
        conn = await asyncpg.connect(plain)
        try:
            names = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        finally:
            await conn.close()
        assert {f"gl_bench_{s}" for s in SERVICES} <= names
    finally:
        await postgres_template(admin, False)
