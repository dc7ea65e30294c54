"""team_duty: who the router has on each team's duty, day by day, as its dispatches name them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_duty",
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("announced_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit", name=op.f("pk_team_duty")),
    )


def downgrade() -> None:
    op.drop_table("team_duty")
