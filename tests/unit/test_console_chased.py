"""A chased order (12345's 催办 or 督办) in the console: first in the worker's inbox above any
nearer deadline, the latest chase on top, with its count; and in 值班室 before any clock has
passed (issue 20)."""

from datetime import timedelta

from services.console.domain.duty import duty_room
from services.console.domain.inbox import inbox_rows
from tests.unit.test_console_domain import NOW, _routed
from tests.unit.test_console_duty import PEOPLE, board, step


def chased(
    order_id: str, minutes_ago: int, urges: int, state: str = "acknowledged"
) -> dict[str, object]:
    item = _routed(order_id, state, ack_due=timedelta(hours=9), deadline=timedelta(hours=48))
    urged_at = (NOW - timedelta(minutes=minutes_ago)).isoformat()
    return {**item, "urge_count": urges, "supervise_count": 1, "urged_at": urged_at}


def test_a_chased_order_comes_before_a_nearer_deadline_the_latest_chase_on_top() -> None:
    rows = inbox_rows(
        [
            _routed("GL-NEAR", ack_due=timedelta(minutes=10)),
            chased("GL-OLD", 30, 1),
            chased("GL-NEW", 5, 2),
            chased("GL-DONE", 1, 3, state="resolved"),
        ],
        [],
        NOW,
    )
    assert [r.order_id for r in rows] == ["GL-NEW", "GL-OLD", "GL-NEAR", "GL-DONE"]
    assert (rows[0].urge_count, rows[0].supervise_count) == (2, 1)


def test_a_chased_order_is_in_the_duty_rooms_first_list_with_its_counts() -> None:
    urged = {**step("GL-9", "A", "W-0301", False), "urge_count": 2, "supervise_count": 0}
    room = duty_room(
        {"late": [], "soon": [board("GL-9", 0)], "asked": [], "platform": []},
        [urged],
        PEOPLE,
    )
    assert [r.order_id for r in room.late] == ["GL-9"] and room.soon == []
    assert room.late[0].urge_count == 2
