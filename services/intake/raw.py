"""``gridline.intake.raw``: outside systems push ``{"source": …, "payload": {…}}`` envelopes.

The payload is validated exactly as over HTTP; what cannot be read is a ``PoisonMessage`` and
lands in ``gridline.dlq`` with the field and the reason.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from services.intake.formats import Call96568, GridActivity, GridReport, Order12345, RawEnvelope
from shared.contracts import PoisonMessage, brief_errors

Intake = Callable[[BaseModel], Awaitable[Any]]

_ACTIVITIES: TypeAdapter[list[GridActivity]] = TypeAdapter(list[GridActivity])
_FORMATS: dict[str, type[BaseModel]] = {
    "12345": Order12345,
    "96568": Call96568,
    "grid_report": GridReport,
    "grid_activity": GridActivity,
}


def parse_raw(raw: bytes) -> list[BaseModel]:
    """The typed items inside one raw message (a list payload is a batch)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"not JSON: {exc}") from exc
    try:
        envelope = RawEnvelope.model_validate(data)
    except ValidationError as exc:
        raise PoisonMessage(f"bad envelope: {brief_errors(exc)}") from exc
    model = _FORMATS[envelope.source]
    items = envelope.payload if isinstance(envelope.payload, list) else [envelope.payload]
    parsed: list[BaseModel] = []
    for index, item in enumerate(items):
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as exc:
            where = f"payload[{index}]" if isinstance(envelope.payload, list) else "payload"
            raise PoisonMessage(f"invalid {envelope.source} {where}: {brief_errors(exc)}") from exc
    return parsed
