"""orders: the person each order is assigned to now (the one reader of the caller's number)

Revision ID: 0006
Revises: 0004_outbox_parked
Create Date: 2026-11-29 04:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0004_outbox_parked'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('assignee_id')
