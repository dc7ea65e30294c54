"""Replies to the sources, pure: what a reply says, where it goes, when to try again.

12345 expects the handling result, whether it was solved, when the caller was contacted and the
public reply text (Art. 17). A 96568 caller is called back (the SMS / callback channel). Grid
reports are the utility's own and get no outside reply. An incident's caller is answered about
their own call (``for_caller``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.clock import to_local
from shared.contracts import OrderResolvedPayload

CHANNEL_BY_SOURCE = {"12345": "12345", "96568": "callback"}


def channel_for(source: str, needs_reply: bool) -> str | None:
    return CHANNEL_BY_SOURCE.get(source) if needs_reply else None


def _local(when: datetime | None) -> str | None:
    return to_local(when).strftime("%Y-%m-%d %H:%M:%S") if when else None


def for_caller(
    resolved: OrderResolvedPayload,
    own_category: str,
    resolved_category: str | None,
    texts: Mapping[str, str],
    default: str,
) -> OrderResolvedPayload:
    """What this caller is told. An incident's linked order is resolved with the primary's
    result (``cascaded_from``), written about the primary's fault: a caller of another kind (水压低
    under a burst main's 漏水) is answered about their own call, from the configured text of
    their category, else one naming no single fault."""
    if resolved.cascaded_from is None or own_category == resolved_category:
        return resolved
    text = texts.get(own_category, default)
    return resolved.model_copy(update={"public_reply": text, "handling_notes": text})


def reply_body(
    channel: str,
    source_ref: str,
    resolved: OrderResolvedPayload,
    resolved_at: datetime,
    caller_phone: str | None,
    incident_id: str | None,
) -> dict[str, Any]:
    if channel == "12345":
        return {
            "orderNo": source_ref,
            "handleResult": resolved.handling_notes or resolved.public_reply,
            "solved": resolved.solved,
            "contactTime": _local(resolved.contacted_at),
            "replyContent": resolved.public_reply or resolved.handling_notes,
            "replyTime": _local(resolved_at),
            "handleDept": resolved.department,
        }
    return {
        "ticket_id": source_ref,
        # The gateway needs the number to call or text; the file stand-in masks it on writing.
        "phone": caller_phone or "",
        "message": resolved.public_reply or resolved.handling_notes or "您反映的问题已处理完毕。",
        "solved": resolved.solved,
        "incident_id": incident_id,
        "replied_at": _local(resolved_at),
    }


@dataclass(frozen=True)
class Backoff:
    """How a failing reply waits (``replies`` in config/intake.yaml)."""

    quick_attempts: int
    """Tries in one round."""
    first_seconds: float
    max_seconds: float


def next_attempt(attempts: int, now: datetime, backoff: Backoff) -> datetime:
    """After ``attempts`` failed tries: doubling each round from ``first_seconds`` to the cap."""
    rounds = max(-(-attempts // backoff.quick_attempts), 1)
    delay = min(backoff.first_seconds * 2 ** (rounds - 1), backoff.max_seconds)
    return now + timedelta(seconds=delay)
