"""Where an order's 退单 to the 12345 platform stands, as its page shows it, pure (issue 20): for
a 12345 order that is not the utility's, 退单 is the platform's to decide, so the page says the
request waits for its answer (and offers no second 退单 meanwhile), then the answer — 已退单, or
the refusal with its reason.

The router's view says what is pending now (``return_request``); the order's timeline says how
the last request ended. A decision the router has made but intake has not yet written shows
nothing until it has: the page never says pending for an order whose request is settled."""

from dataclasses import dataclass
from typing import Any, Literal

PLATFORM = "12345"


@dataclass(frozen=True)
class ReturnStanding:
    state: Literal["pending", "refused", "returned"]
    at: str  # ISO time: asked, refused or returned
    reason: str  # the request's reason; for a refusal, the refusal's


def _settles(event: dict[str, Any]) -> bool:
    kind, payload = event.get("type"), event.get("payload") or {}
    return kind in ("ReturnRequested", "ReturnRefused") or (
        kind == "OrderReturned" and bool(payload.get("to_platform"))
    )


def standing(
    routing: dict[str, Any] | None, timeline: list[dict[str, Any]]
) -> ReturnStanding | None:
    """The page's 退单 line, or None when no 退单 was asked of the platform."""
    asked = routing.get("return_request") if routing else None
    if asked:
        return ReturnStanding("pending", str(asked.get("at", "")), str(asked.get("reason", "")))
    last = next((e for e in reversed(timeline) if _settles(e)), None)
    if last is None:
        return None
    payload = last.get("payload") or {}
    at = str(last.get("occurred_at", ""))
    if last["type"] == "ReturnRequested":
        # Without the router's view (an operator's page) the timeline is all there is.
        return None if routing else ReturnStanding("pending", at, str(payload.get("reason", "")))
    if last["type"] == "ReturnRefused":
        return ReturnStanding("refused", at, str(payload.get("reason") or ""))
    return ReturnStanding("returned", at, str(payload.get("reason", "")))
