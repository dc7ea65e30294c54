"""The SLA service's own database: its tables (``tables``) and the statements on them
(``repositories``; ``shares`` for the departments' shares of an order's time; ``rates`` for
the facts the month's rates count; ``reads`` for the named reads of the dashboard and gauges)."""

from services.sla.store.rates import RateFactRow, RateRepository
from services.sla.store.repositories import (
    DeadlineRepository,
    Order,
    OrderRepository,
    ResolveDue,
)
from services.sla.store.shares import ShareRepository
from services.sla.store.tables import (
    APPOINTMENT,
    CARD,
    CHAIN,
    CLOSED,
    FIRED,
    OPEN,
    Base,
    DeadlineRow,
    InboxRow,
    OrderRow,
    OutboxRow,
    ShareRow,
)

__all__ = [
    "APPOINTMENT",
    "CARD",
    "CHAIN",
    "CLOSED",
    "FIRED",
    "OPEN",
    "Base",
    "DeadlineRepository",
    "DeadlineRow",
    "InboxRow",
    "Order",
    "OrderRepository",
    "OrderRow",
    "OutboxRow",
    "RateFactRow",
    "RateRepository",
    "ResolveDue",
    "ShareRepository",
    "ShareRow",
]
