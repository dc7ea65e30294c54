"""Scoring decisions, pure: counts, ledger entries, rankings, monthly and period results."""

from services.scoring.domain.counts import (
    CONSULTATIONS,
    DISPATCHED,
    MESSAGES,
    ORDERS_HANDLED,
    VISITS,
    counter_moves,
    month_of,
)

__all__ = [
    "CONSULTATIONS",
    "DISPATCHED",
    "MESSAGES",
    "ORDERS_HANDLED",
    "VISITS",
    "counter_moves",
    "month_of",
]
