"""assigned tasks (交办任务, Art. 18(一)7) and the workers they are given to

Revision ID: 0005
Revises: 0003_outbox_parked
Create Date: 2026-12-07 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0005"
down_revision: str | None = "0003_outbox_parked"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done_when", sa.Text(), nullable=False),
        sa.Column("deadline", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=60), nullable=False),
        sa.Column("assigned_at", shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", shared.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("late_at", shared.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_deadline"), ["deadline"], unique=False)
    op.create_table(
        "task_workers",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "worker_id", name=op.f("pk_task_workers")),
    )
    with op.batch_alter_table("task_workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_workers_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_workers_worker_id"))
    op.drop_table("task_workers")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_deadline"))
    op.drop_table("tasks")
