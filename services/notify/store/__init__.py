"""Notify's own database (``tables``), what it keeps of orders and duty (``facts``) and its
deliveries (``deliveries``)."""

from services.notify.store.deliveries import Claim, DeliveryRepository
from services.notify.store.facts import FactRepository, TeamDutyRepository
from services.notify.store.tables import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    Base,
    DeliveryRow,
    InboxRow,
    LocalMessageRow,
    OrderFactRow,
    OutboxRow,
    TeamDutyRow,
)

__all__ = [
    "FAILED",
    "PENDING",
    "SENDING",
    "SENT",
    "Base",
    "Claim",
    "DeliveryRepository",
    "DeliveryRow",
    "FactRepository",
    "InboxRow",
    "LocalMessageRow",
    "OrderFactRow",
    "OutboxRow",
    "TeamDutyRepository",
    "TeamDutyRow",
]
