"""planned outages opened by hand: window, area, incident

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('planned_outages',
    sa.Column('outage_id', sa.String(length=40), nullable=False),
    sa.Column('incident_id', sa.String(length=40), nullable=False),
    sa.Column('communities', sa.JSON(), nullable=False),
    sa.Column('community_keys', sa.JSON(), nullable=False),
    sa.Column('starts_at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('opened_by', sa.String(length=80), nullable=False),
    sa.Column('opened_at', shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('outage_id', name=op.f('pk_planned_outages'))
    )
    with op.batch_alter_table('planned_outages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_outages_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_outages_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_outages_ends_at'), ['ends_at'], unique=False)


def downgrade() -> None:
    op.drop_table('planned_outages')
