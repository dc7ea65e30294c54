"""Alembic per service: each ``migrations/`` holds its service's own tables, applied at start."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from shared.db import Database


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url)
    return config


# Alembic keeps its migration context in module globals: two upgrades interleaved on one event
# loop (several services in one test process) would share it, so they take turns.
_one_at_a_time = asyncio.Lock()
_MIGRATION_LOCK = 0x67726964_6D696772  # "gridmigr": any constant, the same in every replica


async def upgrade(db: Database, migrations_dir: Path) -> None:
    """Brings the service's database to the newest revision (``alembic upgrade head``)."""
    config = alembic_config(migrations_dir, db.url)

    def _run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with _one_at_a_time, db.engine.begin() as conn:
        if db.is_postgres:
            # Replicas of a service start together on one database: one migrates, the others
            # wait and then find it at head. The lock ends with this transaction.
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
        await conn.run_sync(_run)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        # Offline / CLI use: alembic revision --autogenerate builds its own connection.
        from sqlalchemy import create_engine

        url = context.config.get_main_option("sqlalchemy.url") or ""
        sync_url = url.replace("+aiosqlite", "")
        with create_engine(sync_url).connect() as conn:
            _configure_and_run(conn, target_metadata)
        return
    _configure_and_run(connection, target_metadata)


def _configure_and_run(connection: Connection, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
