"""calls and callbacks: the hotline's call log from the PBX (CTI) and the 回拨 owed for missed calls (issue 21)

Revision ID: 0008_calls
Revises: 0007
Create Date: 2026-12-07 22:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = '0008_calls'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = shared.db.UtcDateTime(timezone=True)
    op.create_table(
        'calls',
        sa.Column('call_id', sa.String(length=250), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('from_number', sa.String(length=40), nullable=False),
        sa.Column('to_number', sa.String(length=40), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('queue', sa.String(length=60), nullable=True),
        sa.Column('users', sa.JSON(), nullable=False),
        sa.Column('first_seen_at', when, nullable=False),
        sa.Column('rang_at', when, nullable=True),
        sa.Column('answered_at', when, nullable=True),
        sa.Column('answered_by', sa.String(length=60), nullable=True),
        sa.Column('ended_at', when, nullable=True),
        sa.Column('cause', sa.String(length=20), nullable=True),
        sa.Column('missed', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('call_id'),
    )
    op.create_index('ix_calls_phone', 'calls', ['phone'], unique=False)
    op.create_index('ix_calls_first_seen_at', 'calls', ['first_seen_at'], unique=False)
    op.create_table(
        'callbacks',
        sa.Column('callback_id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('call_id', sa.String(length=250), nullable=False),
        sa.Column('missed_calls', sa.Integer(), nullable=False),
        sa.Column('missed_at', when, nullable=False),
        sa.Column('due_at', when, nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('tries', sa.JSON(), nullable=False),
        sa.Column('closed_at', when, nullable=True),
        sa.Column('closed_by', sa.String(length=60), nullable=True),
        sa.Column('closing_call_id', sa.String(length=250), nullable=True),
        sa.PrimaryKeyConstraint('callback_id'),
    )
    op.create_index('ix_callbacks_phone', 'callbacks', ['phone'], unique=False)
    op.create_index('ix_callbacks_due_at', 'callbacks', ['due_at'], unique=False)
    op.create_index('ix_callbacks_state', 'callbacks', ['state'], unique=False)


def downgrade() -> None:
    op.drop_table('callbacks')
    op.drop_table('calls')
