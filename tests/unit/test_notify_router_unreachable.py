"""The router's side of notify: a NotificationFailed for the current assignee moves the order
down the A/B chain at once (reason 通知失败); one about someone else, or after signing, does not.
A real SQLite database, no broker (the broker path is tests/integration/test_notify_flow.py)."""

from collections.abc import Sequence
from datetime import timedelta

from services.router.domain import lifecycle
from services.router.handlers.commands import Acknowledge
from shared.contracts import (
    Event,
    NotificationFailed,
    NotificationFailedPayload,
    OrderDispatched,
)
from tests.support.units import ServiceUnits
from tests.unit.test_router_handlers import (
    UM,
    WEDNESDAY_10,
    command,
    db,
    on,
    only_dispatch,
    order_row,
    received,
)

__all__ = ["db"]  # the fixture, used by name


def failed(person: str, assignment_id: int | None = 1) -> NotificationFailed:
    return NotificationFailed(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="notify",
        payload=NotificationFailedPayload(
            person_id=person,
            channel="wecom_app",
            reason="企业微信：UserID不存在（errcode 60111）",
            attempts=1,
            notice="dispatched",
            assignment_id=assignment_id,
        ),
    )


def dispatches(events: Sequence[Event]) -> list[OrderDispatched]:
    return [e for e in events if isinstance(e, OrderDispatched)]


async def test_an_unreachable_a_post_hands_the_order_to_b_at_once_with_the_reason(
    db: ServiceUnits,
) -> None:
    first = only_dispatch(await on(db, received()))
    assert first.payload.assignee_id == "W-0301"

    # Well before the acknowledgement deadline: the clock has not moved.
    second = only_dispatch(await on(db, failed("W-0301")))
    p = second.payload
    assert (p.assignee_id, p.chain_position, p.assignment_id) == ("W-0302", "B", 2)
    assert p.reason == "notification_failed"
    assert p.skipped[0].person_id == "W-0301"
    assert p.skipped[0].reason.startswith("通知失败")
    assert p.ack_due - WEDNESDAY_10 == timedelta(minutes=30)
    row = await order_row(db)
    assert (row.assignee_id, row.assignment_id) == ("W-0302", 2)


async def test_a_failure_for_someone_no_longer_responsible_changes_nothing(
    db: ServiceUnits,
) -> None:
    only_dispatch(await on(db, received()))
    only_dispatch(await on(db, failed("W-0301")))

    # A late failure about A (assignment 1) and one for B's superseded number: stale.
    assert dispatches(await on(db, failed("W-0301"))) == []
    assert dispatches(await on(db, failed("W-0302", assignment_id=1))) == []
    assert (await order_row(db)).assignee_id == "W-0302"


async def test_a_failure_after_the_order_was_signed_for_changes_nothing(db: ServiceUnits) -> None:
    only_dispatch(await on(db, received()))
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    assert dispatches(await on(db, failed("W-0301"))) == []
    assert (await order_row(db)).state == lifecycle.ACKNOWLEDGED
