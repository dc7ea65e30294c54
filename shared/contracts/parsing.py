"""Reading a message off the log: the typed event, ``None`` for a type this release does not know,
or a ``PoisonMessage`` for the dead-letter topic."""

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.contracts.activity_events import (
    ACTIVITY_EVENT_TYPES,
    ActivityEvent,
    Event,
)
from shared.contracts.order_events import ORDER_EVENT_TYPES, OrderEnvelope, OrderEvent

_order_adapter: TypeAdapter[OrderEvent] = TypeAdapter(OrderEvent)
_activity_adapter: TypeAdapter[ActivityEvent] = TypeAdapter(ActivityEvent)


class PoisonMessage(Exception):
    """A message that can never be processed as it is: it goes to the dead-letter topic."""


def _peek_type(raw: bytes) -> tuple[str | None, dict[str, Any]]:

    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PoisonMessage("not a JSON object")
    kind = data.get("type")
    return (kind if isinstance(kind, str) else None), data


def parse_order_event(raw: bytes) -> OrderEvent | None:
    """The typed event, ``None`` for a type this release does not know, or PoisonMessage."""
    kind, data = _peek_type(raw)
    if kind not in ORDER_EVENT_TYPES:
        if kind is None:
            raise PoisonMessage("envelope has no 'type'")
        return None
    try:
        return _order_adapter.validate_python(data)
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {kind}: {brief_errors(exc)}") from exc


def parse_activity_event(raw: bytes) -> ActivityEvent | None:
    kind, data = _peek_type(raw)
    if kind not in ACTIVITY_EVENT_TYPES:
        if kind is None:
            raise PoisonMessage("envelope has no 'type'")
        return None
    try:
        return _activity_adapter.validate_python(data)
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {kind}: {brief_errors(exc)}") from exc


def brief_errors(exc: ValidationError, limit: int = 3) -> str:
    """``field: reason`` for the first errors, for a dead letter's reason. The input values are
    left out: they may hold phone numbers."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "payload"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def event_key(event: Event) -> str:
    """The partition key: an order's events stay in order, a worker's activity too."""
    if isinstance(event, OrderEnvelope):
        return event.order_id
    return event.worker_id
