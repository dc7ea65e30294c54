"""The one way an event is made: ``envelope(kind, key, payload, now, producer)``.

Every event on ``gridline.orders`` and ``gridline.activity`` is the same envelope around a
payload; building it by hand in each handler spelled the same five fields some thirty-five times
and let the key field (``order_id`` or ``worker_id``) be picked by hand."""

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from shared.contracts.activity_events import ActivityEnvelope
from shared.contracts.base import Contract
from shared.contracts.order_events import Envelope

E = TypeVar("E", bound=Envelope)


def envelope(
    kind: type[E],
    key: str,
    payload: Contract,
    now: datetime,
    producer: str,
    *,
    cause: UUID | None = None,
    event_id: UUID | None = None,
) -> E:
    """An event of ``kind`` about ``key`` (the order; on ``gridline.activity`` the worker), made
    by ``producer`` at ``now``. ``cause`` is the ``event_id`` of the event that led to it;
    ``event_id`` is given only where it must be derived (an event that must not be told twice),
    otherwise it is a fresh UUID."""
    fields: dict[str, Any] = {
        "worker_id" if issubclass(kind, ActivityEnvelope) else "order_id": key,
        "occurred_at": now,
        "producer": producer,
        "payload": payload,
        "causation_id": cause,
    }
    if event_id is not None:
        fields["event_id"] = event_id
    return kind(**fields)
