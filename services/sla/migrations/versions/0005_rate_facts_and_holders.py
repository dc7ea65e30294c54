"""rate facts and holders: what the month's rates (按时办结率, 满意率…) are counted from

Revision ID: 0005_rate_facts
Revises: 0004
Create Date: 2026-12-08 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0005_rate_facts'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'sla_rate_facts',
        sa.Column('event_id', sa.String(length=40), nullable=False),
        sa.Column('order_id', sa.String(length=40), nullable=False),
        sa.Column('fact', sa.String(length=12), nullable=False),
        sa.Column('at', shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('department', sa.String(length=40), nullable=True),
        sa.Column('grid', sa.String(length=40), nullable=True),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('on_time', sa.Boolean(), nullable=True),
        sa.Column('satisfaction', sa.String(length=8), nullable=True),
        sa.Column('solved', sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index('ix_sla_rate_facts_at', 'sla_rate_facts', ['at'], unique=False)
    op.create_index('ix_sla_rate_facts_order_id', 'sla_rate_facts', ['order_id'], unique=False)
    op.create_table(
        'sla_rate_holders',
        sa.Column('order_id', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=40), nullable=True),
        sa.Column('grid', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('order_id'),
    )


def downgrade() -> None:
    op.drop_table('sla_rate_holders')
    op.drop_index('ix_sla_rate_facts_order_id', table_name='sla_rate_facts')
    op.drop_index('ix_sla_rate_facts_at', table_name='sla_rate_facts')
    op.drop_table('sla_rate_facts')
