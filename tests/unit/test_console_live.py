"""Who is told of what on live pages (issue 19 item 6): the rules alone, and the hub's fan-out."""

import asyncio
from datetime import datetime

from services.console.domain.live import Change, Channel, Viewer, accepts, change_of, may_open
from services.console.live.hub import CLOSED, RESYNC, Hub
from shared.clock import LOCAL_TZ
from shared.contracts import MessageRecorded, MessageRecordedPayload
from shared.contracts.envelopes import envelope
from tests.support.builders import order_acknowledged, order_dispatched

AT = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
W0301 = Viewer("department", "w-0301", "W-0301", "USER_MAINTENANCE")
W0302 = Viewer("department", "w-0302", "W-0302", "USER_MAINTENANCE")
W0101 = Viewer("department", "w-0101", "W-0101", "PIPE_NETWORK")
OPS = Viewer("ops", "ops", None, None)
OPERATOR = Viewer("operator", "operator", None, None)


def dispatched(to: str = "W-0301", department: str = "USER_MAINTENANCE") -> Change:
    change = change_of(order_dispatched("GL-1", AT, assignee=to, department=department))
    assert change is not None
    return change


def test_a_dispatch_reaches_its_workers_inbox_and_their_departments_not_another_department() -> (
    None
):
    change = dispatched()
    assert accepts(Channel("inbox", W0301), change)
    assert accepts(Channel("inbox", W0302), change)  # 看全部门: their department's list
    assert not accepts(Channel("inbox", W0101), change)


def sent_to(person: str) -> Change:
    """notify's announcement of a message it sent (what 消息 lists), as the reader reads it."""
    event = envelope(
        MessageRecorded,
        person,
        MessageRecordedPayload(
            delivery_key=f"dispatched:e-1:{person}:wecom_app",
            order_id="GL-1",
            notice="dispatched",
            channel="wecom_app",
        ),
        AT,
        "notify",
    )
    change = change_of(event)
    assert change is not None
    return change


def test_messages_are_the_holders_own_or_the_offices() -> None:
    change = sent_to("W-0301")
    assert accepts(Channel("messages", W0301), change)
    assert not accepts(Channel("messages", W0302), change)
    assert accepts(Channel("messages", OPS), change)
    assert not accepts(Channel("inbox", W0301), change)  # a message is not an order's change
    assert change.wire() == {"type": "MessageRecorded"}


def test_messages_hear_notifys_message_not_the_event_it_answers() -> None:
    """An order event reaches 消息 before notify has written its line: reading then finds
    nothing new. The page reads itself when notify says the message is there."""
    assert not accepts(Channel("messages", W0301), dispatched())
    assert not accepts(Channel("messages", OPS), dispatched())


def test_the_order_page_hears_its_own_order_only() -> None:
    change = dispatched()
    assert accepts(Channel("order", W0101, "GL-1"), change)  # its rights are checked on connect
    assert not accepts(Channel("order", W0301, "GL-2"), change)


def test_the_duty_room_hears_escalations_and_what_ends_them_not_every_event() -> None:
    assert accepts(Channel("duty", OPS), dispatched())
    assert accepts(Channel("duty", OPS), Change("SlaBreached", "GL-1"))
    assert not accepts(Channel("duty", OPS), Change("ProgressNoted", "GL-1"))


def test_a_ringing_call_is_the_named_operators_alone() -> None:
    ring = Change("CallRinging", call_id="c-1", people=frozenset({"OPERATOR"}))
    assert accepts(Channel("call", OPERATOR), ring)
    assert not accepts(Channel("call", Viewer("operator", "operator2", None, None)), ring)
    assert not accepts(Channel("messages", OPS), ring)
    assert not accepts(Channel("inbox", W0301), ring)


def test_what_reaches_the_browser_carries_no_person_or_text() -> None:
    change = change_of(order_acknowledged("GL-1", AT))
    assert change is not None
    assert change.wire() == {"type": "OrderAcknowledged", "order_id": "GL-1"}


def test_who_may_open_which_stream() -> None:
    assert may_open("inbox", "department") and not may_open("inbox", "operator")
    assert may_open("duty", "ops") and not may_open("duty", "department")
    assert may_open("call", "operator") and not may_open("call", "ops")
    assert all(may_open(page, "admin") for page in ("inbox", "duty", "call"))


async def test_the_hub_gives_each_stream_what_it_may_see_and_a_resync_when_one_falls_behind() -> (
    None
):
    hub = Hub()
    with (
        hub.subscribe(Channel("inbox", W0301)) as mine,
        hub.subscribe(Channel("inbox", W0101)) as other,
    ):
        assert hub.publish(dispatched()) == 1
        assert (await asyncio.wait_for(mine.queue.get(), 1)).order_id == "GL-1"
        assert other.queue.empty()
        for _ in range(150):
            hub.publish(dispatched())
        assert mine.queue.get_nowait() == RESYNC
        hub.close()
        assert other.queue.get_nowait() == CLOSED
    assert hub.listeners == 0
