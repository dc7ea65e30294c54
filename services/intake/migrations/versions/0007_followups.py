"""followups: the 12345 platform's follow-up messages, once per message id (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'followups',
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('order_no', sa.String(length=100), nullable=False),
        sa.Column('order_id', sa.String(length=40), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('at', shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('received_at', shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('message_id'),
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_order_no', ['order_no'], unique=False)
        batch_op.create_index('ix_followups_order_id', ['order_id'], unique=False)
        batch_op.create_index('ix_followups_received_at', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_table('followups')
