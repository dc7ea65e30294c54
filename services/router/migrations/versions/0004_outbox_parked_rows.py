"""outbox: rows the broker refuses for good are parked with their reason

Revision ID: 0003_outbox_parked
Revises: 0003
Create Date: 2026-11-29 03:10:00.000000
"""
from collections.abc import Sequence

from shared.outbox_migration import add_parking, drop_parking

revision: str = '0003_outbox_parked'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_parking()


def downgrade() -> None:
    drop_parking()
