"""routed_orders: 催办 and 督办 counts and the last chase, so a chased order rises (issue 20)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routed_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urge_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("supervise_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("urged_at", shared.db.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("routed_orders", schema=None) as batch_op:
        batch_op.drop_column("urged_at")
        batch_op.drop_column("supervise_count")
        batch_op.drop_column("urge_count")
