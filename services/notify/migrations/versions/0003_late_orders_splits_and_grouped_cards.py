"""order facts: when intake took the order in and the incident it was split from; deliveries:
the clocks a grouped card lists

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("taken_in_at", shared.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("split_from", sa.String(length=40), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clocks", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("clocks")
    with op.batch_alter_table("order_facts", schema=None) as batch_op:
        batch_op.drop_column("split_from")
        batch_op.drop_column("taken_in_at")
