"""``gridline migrations new``: autogenerate a service's next alembic revision.

It builds a scratch SQLite database at the service's current head and compares it with the
service's tables, so no server is needed to write a migration.
"""

import tempfile
from pathlib import Path

from alembic import command

from gridline.services import SERVICES
from shared.migrations import alembic_config


def new_revision(service: str, message: str) -> Path:
    spec = SERVICES[service]
    migrations = (
        Path(__file__).resolve().parent.parent / spec.module.replace(".", "/") / "migrations"
    )
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/scratch.db"
        config = alembic_config(migrations, url)
        command.upgrade(config, "head")
        versions = migrations / "versions"
        number = len(list(versions.glob("[0-9]*.py"))) + 1
        script = command.revision(
            config, message=message, autogenerate=True, rev_id=f"{number:04d}"
        )
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic made no single revision")
    return Path(script.path)
