"""incidents: linked orders ride on their primary's assignment; major notices once per recipient

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('major_notices',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', 'recipient', name=op.f('pk_major_notices'))
    )
    with op.batch_alter_table('routed_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('primary_order_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('split_rule', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_routed_orders_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_routed_orders_primary_order_id'), ['primary_order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('routed_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routed_orders_primary_order_id'))
        batch_op.drop_index(batch_op.f('ix_routed_orders_incident_id'))
        batch_op.drop_column('split_rule')
        batch_op.drop_column('primary_order_id')
        batch_op.drop_column('incident_id')
    op.drop_table('major_notices')
