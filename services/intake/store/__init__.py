"""Intake's own database: ``tables`` (orders as received, each order's timeline, incidents,
planned outages, the care register, grid activity, the durable reply queue, the 12345
follow-ups, outbox and inbox), ``repositories`` and ``replies`` (the named queries on them;
none of them commits) and ``calls`` (the hotline's call log and its 回拨 tasks, tables and
queries)."""

from services.intake.store.calls import CallbackRow, CallRepository, CallRow
from services.intake.store.replies import ReplyRepository
from services.intake.store.repositories import (
    ActivityRepository,
    CareRepository,
    ClusterQueries,
    FollowupRepository,
    Lookalike,
    OrderRepository,
    StoredOrder,
)
from services.intake.store.tables import (
    ActivityRow,
    Base,
    CareEntryRow,
    FollowupRow,
    InboxRow,
    IncidentRow,
    OrderRow,
    OutboxRow,
    PlannedOutageRow,
    ReplyRow,
    TimelineRow,
)

__all__ = [
    "ActivityRepository",
    "ActivityRow",
    "Base",
    "CallRepository",
    "CallRow",
    "CallbackRow",
    "CareEntryRow",
    "CareRepository",
    "ClusterQueries",
    "FollowupRepository",
    "FollowupRow",
    "InboxRow",
    "IncidentRow",
    "Lookalike",
    "OrderRepository",
    "OrderRow",
    "OutboxRow",
    "PlannedOutageRow",
    "ReplyRepository",
    "ReplyRow",
    "StoredOrder",
    "TimelineRow",
]
