"""The order page's clocks, pure: one per kind — the holder's 签收 (the router's chain) over the
order's own card, a running clock over a passed one, the latest of the rest — and a clock past
its time is late."""

from datetime import datetime
from typing import Any

from services.console.domain.clocks import one_per_kind
from shared.clock import LOCAL_TZ

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


def clock(kind: str, purpose: str, state: str, due: str) -> dict[str, Any]:
    return {"kind": kind, "purpose": purpose, "state": state, "due": f"2026-12-02T{due}+08:00"}


def test_after_an_escalation_the_page_shows_one_sign_for_clock_the_holders() -> None:
    shown = one_per_kind(
        [
            clock("acknowledge", "card", "fired", "08:30:00"),  # the order's own, passed
            clock("acknowledge", "chain", "closed", "08:30:00"),  # the A post's
            clock("resolve", "card", "open", "09:00:00"),  # running but already past
            clock("acknowledge", "chain", "open", "10:30:00"),  # the head's, now
            clock("arrive", "card", "open", "11:00:00"),
        ],
        NOW,
    )
    assert [(c["kind"], c["purpose"], c["state"], c["late"]) for c in shown] == [
        ("acknowledge", "chain", "open", False),
        ("arrive", "card", "open", False),
        ("resolve", "card", "open", True),
    ]


def test_a_signed_order_shows_one_sign_for_clock_done_not_red() -> None:
    shown = one_per_kind(
        [
            clock("acknowledge", "card", "fired", "08:30:00"),
            clock("acknowledge", "chain", "closed", "08:30:00"),
        ],
        NOW,
    )
    assert [(c["purpose"], c["late"]) for c in shown] == [("chain", False)]
