"""routed_orders: a 12345 order's 退单 asked of the platform, pending its decision (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routed_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_request", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("routed_orders", schema=None) as batch_op:
        batch_op.drop_column("return_request")
