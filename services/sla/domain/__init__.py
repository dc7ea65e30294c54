"""The SLA service's pure rules: ``limits`` (which limits an order gets), ``deadlines`` (deadline
arithmetic), ``cards`` (what a due deadline emits), ``calendar`` and ``numbers`` (the figures
people run the service by). The names below are the ones the handlers and the job use."""

from services.sla.domain.cards import PRODUCER, DueDeadline, Firing, as_kind, fired
from services.sla.domain.deadlines import (
    DEPARTMENT_DEADLINES,
    NewDeadline,
    Shifted,
    Warning,
    caller_pause,
    extended,
    governing,
    limit_deadline,
    opening_deadlines,
    promised_answer,
    restarted,
    shifted,
    supervision,
    warn_time,
)

__all__ = [
    "DEPARTMENT_DEADLINES",
    "PRODUCER",
    "DueDeadline",
    "Firing",
    "NewDeadline",
    "Shifted",
    "Warning",
    "as_kind",
    "caller_pause",
    "extended",
    "fired",
    "governing",
    "limit_deadline",
    "opening_deadlines",
    "promised_answer",
    "restarted",
    "shifted",
    "supervision",
    "warn_time",
]
