"""A 12345 order's 退单 is the platform's to decide (issue 20), on the router's handlers and a
real (SQLite) database: returned as not the utility's (no department of ours named), it is asked
of the platform and nothing moves; the platform's answer settles it — approved, the order is
over here (已退单); refused, it stays with its holder. A return to a department of ours, or of an
order that is not 12345's, moves at once as before."""

from typing import Any

import pytest

from services.router.handlers.commands import Acknowledge, Return, ReturnOrder
from shared.contracts import (
    OrderReturned,
    PlatformDecided,
    PlatformDecidedPayload,
    ReturnRefused,
    ReturnRequested,
)
from shared.http import ApiError as Refused
from tests.unit import test_router_handlers as handlers
from tests.unit.test_router_handlers import (
    DEPS,
    UM,
    WEDNESDAY_10,
    command,
    on,
    only_dispatch,
    order_row,
    received,
)

db = handlers.db  # the router's tables on a fresh SQLite database, as the handler tests use

NOT_OURS = Return(reason="属燃气管道漏气，非供水管辖")


def decision(approved: bool, message: str = "FU-1") -> PlatformDecided:
    payload = PlatformDecidedPayload(
        message_id=message,
        at=WEDNESDAY_10,
        request="return",
        approved=approved,
        reason="经核实" if approved else "属供水管辖，不予退单",
    )
    return PlatformDecided(
        order_id="GL-1", occurred_at=WEDNESDAY_10, producer="intake", payload=payload
    )


async def asked(db: Any) -> None:
    await on(db, received())
    events = await command(db, ReturnOrder, UM, "GL-1", NOT_OURS, WEDNESDAY_10, DEPS)
    assert [type(e) for e in events] == [ReturnRequested]


async def test_a_12345_order_returned_as_not_ours_waits_for_the_platform(db: Any) -> None:
    await asked(db)
    row = await order_row(db)
    assert (row.state, row.assignee_id, row.department, row.returns) == (
        "dispatched",
        "W-0301",
        "USER_MAINTENANCE",
        0,
    )
    assert row.return_request is not None and row.return_request["reason"] == NOT_OURS.reason
    with pytest.raises(Refused) as refused:
        await command(db, ReturnOrder, UM, "GL-1", NOT_OURS, WEDNESDAY_10, DEPS)
    assert (refused.value.status, refused.value.code) == (409, "return_pending")
    # The holder may still work it meanwhile: nothing moved.
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)


async def test_approved_the_order_is_over_here(db: Any) -> None:
    await asked(db)
    (returned,) = await on(db, decision(True))
    assert isinstance(returned, OrderReturned)
    p = returned.payload
    assert (p.to_platform, p.approved_by, p.reason, p.target_department) == (
        True,
        "12345",
        NOT_OURS.reason,
        None,
    )
    row = await order_row(db)
    assert (row.state, row.return_request) == ("returned", None)
    with pytest.raises(Refused) as refused:
        await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    assert refused.value.status == 409
    assert await on(db, decision(False, "FU-2")) == []  # over: nothing moves it


async def test_refused_it_stays_with_its_holder_who_may_ask_again(db: Any) -> None:
    await asked(db)
    (refused,) = await on(db, decision(False))
    assert isinstance(refused, ReturnRefused)
    assert (refused.payload.refused_by, refused.payload.requested_by) == ("12345", "W-0301")
    row = await order_row(db)
    assert (row.state, row.assignee_id, row.return_request) == ("dispatched", "W-0301", None)
    events = await command(db, ReturnOrder, UM, "GL-1", NOT_OURS, WEDNESDAY_10, DEPS)
    assert [type(e) for e in events] == [ReturnRequested]


async def test_a_decision_with_nothing_asked_moves_nothing(db: Any) -> None:
    await on(db, received())
    assert await on(db, decision(True)) == []
    assert (await order_row(db)).state == "dispatched"


async def test_an_order_not_12345s_returned_naming_nobody_goes_to_triage_at_once(db: Any) -> None:
    await on(db, received(source="96568", source_ref="T-1"))
    events = await command(db, ReturnOrder, UM, "GL-1", NOT_OURS, WEDNESDAY_10, DEPS)
    dispatch = only_dispatch(events)
    assert (dispatch.payload.department, dispatch.payload.chain_position) == ("DISPATCH", "TRIAGE")
