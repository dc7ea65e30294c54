"""routed_orders: the round of handling (第 N 次办理) a reopen starts (issue 20)

Revision ID: 0005
Revises: 0003_outbox_parked
Create Date: 2026-12-07 22:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0003_outbox_parked'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('routed_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('routed_orders', schema=None) as batch_op:
        batch_op.drop_column('round')
