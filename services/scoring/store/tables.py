"""Scoring's tables: monthly counts, the append-only ledger, month closings and candidates."""

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


class CountRow(Base):
    __tablename__ = "activity_counts"

    worker_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    counter: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class LedgerRow(Base):
    """One score change. Rows are only ever inserted: a correction is another row."""

    __tablename__ = "ledger_entries"

    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    event_id: Mapped[str | None] = mapped_column(String(36))
    event_type: Mapped[str | None] = mapped_column(String(40))
    order_id: Mapped[str | None] = mapped_column(String(40))
    entered_by: Mapped[str | None] = mapped_column(String(60))
    evidence: Mapped[str | None] = mapped_column(Text)
    flag: Mapped[str | None] = mapped_column(String(40))
    corrects: Mapped[str | None] = mapped_column(String(36))


class ClosureRow(Base):
    __tablename__ = "month_closures"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[str] = mapped_column(String(36))
    counts_json: Mapped[str] = mapped_column(Text, doc="The counts the places were made from")
    departments_json: Mapped[str] = mapped_column(Text, doc="The assessed workers' departments")


class CandidateRow(Base):
    """A deduction proposed by an event, waiting for the head: pending → confirmed (with the
    ledger entry it became) or dismissed. Kept through a rebuild: the decisions are the heads'."""

    __tablename__ = "candidates"

    candidate_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))
    source_ref: Mapped[str | None] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))
    occurred_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(36))


class TaskRow(Base):
    """An assigned task (交办任务, Art. 18(一)7). Kept through a rebuild, like the candidates: the
    register is the heads' record; only its TaskLate events are on the log."""

    __tablename__ = "tasks"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    done_when: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(index=True)
    assigned_by: Mapped[str] = mapped_column(String(60))
    assigned_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    late_at: Mapped[datetime | None] = mapped_column(doc="When its TaskLate events were raised")


class TaskWorkerRow(Base):
    """A worker a task is given to, with their department when it was given."""

    __tablename__ = "task_workers"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    department: Mapped[str] = mapped_column(String(40))
