"""值班室's rows: one per order with its clocks, late and escalated orders first (the highest
step, then the longest late), an escalated order first even before any clock has passed."""

from typing import Any

from services.console.domain.duty import duty_room

PEOPLE: dict[str, tuple[str, str | None]] = {
    "P-0200": ("钱主任", "13806350200"),
    "W-0301": ("褚建国", "13806350301"),
}


def board(order_id: str, late: int, *kinds: str, **extra: Any) -> dict[str, Any]:
    clocks = [
        {"kind": k, "kind_label": k, "due": "2026-12-02T10:00:00+08:00", "state": "fired"}
        for k in kinds
    ]
    return {
        "order_id": order_id,
        "clocks": clocks,
        "late_seconds": late,
        "assignee_id": "W-0301",
        **extra,
    }


def step(order_id: str, position: str, holder: str, escalated: bool) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "chain_position": position,
        "assignee_id": holder,
        "department": "USER_MAINTENANCE",
        "escalated": escalated,
    }


def test_the_order_at_the_head_comes_before_a_longer_late_one_at_the_a_post() -> None:
    room = duty_room(
        {
            "late": [
                board("LONG", 7200, "resolve"),
                board("HEAD", 60, "acknowledge", "arrive", "resolve", "reply", "promise"),
            ],
            "soon": [board("SOON", 0), board("QUIET-ESCALATED", 0)],
            "asked": [board("ASKED-ESCALATED", 0)],
            "platform": [],
        },
        [
            step("HEAD", "HEAD", "P-0200", True),
            step("LONG", "A", "W-0301", False),
            step("QUIET-ESCALATED", "DEPT_DUTY", "P-0200", True),
            step("ASKED-ESCALATED", "TEAM_DUTY", "P-0200", True),
        ],
        PEOPLE,
    )
    assert [r.order_id for r in room.late] == [
        "HEAD",
        "QUIET-ESCALATED",
        "ASKED-ESCALATED",
        "LONG",
    ]
    assert [r.order_id for r in room.soon] == ["SOON"]
    first = room.late[0]
    # The router's holder, not the SLA's last word; one row with every clock kind.
    assert (first.holder.name, first.holder.phone, first.step) == ("钱主任", "13806350200", "HEAD")
    assert list(first.clocks) == ["acknowledge", "arrive", "resolve", "reply"]
    assert [c["kind"] for c in first.extra_clocks] == ["promise"]
