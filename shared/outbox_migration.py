"""The outbox's parking columns, added by one revision in every service's migrations: the
outbox table is shared plumbing (``shared/outbox_table.py``), so its schema steps are too."""

import sqlalchemy as sa
from alembic import op

import shared.db


def add_parking() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parked_at", shared.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("parked_reason", sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_parked_at"), ["parked_at"], unique=False)


def drop_parking() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_parked_at"))
        batch_op.drop_column("parked_reason")
        batch_op.drop_column("parked_at")
