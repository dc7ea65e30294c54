"""Scoring's own database: ``tables`` (monthly counts, the append-only ledger, month closings,
candidates, assigned tasks, outbox and inbox) and ``repositories`` (the statements on them)."""

from services.scoring.store.repositories import (
    CandidateRepository,
    Closure,
    ClosureRepository,
    CountRepository,
    LedgerRepository,
    wipe,
)
from services.scoring.store.tables import (
    Base,
    CandidateRow,
    ClosureRow,
    CountRow,
    InboxRow,
    LedgerRow,
    OutboxRow,
    TaskRow,
    TaskWorkerRow,
)
from services.scoring.store.tasks import TaskRepository

__all__ = [
    "Base",
    "CandidateRepository",
    "CandidateRow",
    "Closure",
    "ClosureRepository",
    "ClosureRow",
    "CountRepository",
    "CountRow",
    "InboxRow",
    "LedgerRepository",
    "LedgerRow",
    "OutboxRow",
    "TaskRepository",
    "TaskRow",
    "TaskWorkerRow",
    "wipe",
]
