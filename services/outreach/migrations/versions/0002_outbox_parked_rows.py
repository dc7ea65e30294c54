"""outbox: rows the broker refuses for good are parked with their reason

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 03:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parked_at', shared.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('parked_reason', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_parked_at'), ['parked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_parked_at'))
        batch_op.drop_column('parked_reason')
        batch_op.drop_column('parked_at')
