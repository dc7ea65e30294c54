"""Alertmanager's alerts: each firing alert becomes an ``alert`` notification for ops."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.notify import metrics
from services.notify.config import NotifyDeps
from services.notify.domain.notices import alert_notification
from services.notify.handlers.deliveries import enqueue
from shared.contracts import Event
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AlertSeen:
    """One alert of Alertmanager's webhook body, as the api read it."""

    status: str
    """``firing`` or ``resolved``."""
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    fingerprint: str = ""


@dataclass(frozen=True)
class ReceiveAlerts:
    """Alertmanager's webhook body: its firing alerts go to ops by the rules."""

    alerts: tuple[AlertSeen, ...]


async def receive_alerts(
    command: ReceiveAlerts, uow: UnitOfWork, deps: NotifyDeps
) -> Sequence[Event]:
    """Firing alerts become ``alert`` notifications; a repeat of one plans nothing new.
    ``uow.answer``: the number of messages planned."""
    planned = 0
    events: list[Event] = []
    for alert in command.alerts:
        metrics.ALERTS.labels(alert.status).inc()
        if alert.status != "firing":
            continue
        n = alert_notification(alert.labels, alert.annotations, alert.starts_at, alert.fingerprint)
        done = await enqueue(uow.session, deps, n, uow.now)
        planned += done.messages
        events += done.events
    uow.answer = planned
    return events
