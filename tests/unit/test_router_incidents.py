"""An incident in the router, on a real (SQLite) database: linked calls ride on the primary's
assignment, the split rule, the cascade of the resolution, and one notice per recipient."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from services.router.domain import incidents
from services.router.handlers.commands import Acknowledge, Resolution, Resolve, SplitAsk
from shared.contracts import (
    Address,
    DuplicateLinked,
    DuplicateLinkedPayload,
    Event,
    MajorEventRaised,
    MajorEventRaisedPayload,
    OrderReceived,
    OrderReceivedPayload,
)
from shared.http import ApiError as Refused
from tests.support.units import ServiceUnits
from tests.unit.test_router_handlers import (
    UM,
    WEDNESDAY_10,
    command,
    db,
    on,
    received,
)

__all__ = ["db"]


def linked(order_id: str, **changes: Any) -> OrderReceived:
    return received(order_id, incident_id="INC-1", primary_order_id="GL-1", **changes)


def types(events: Sequence[Event]) -> list[str]:
    return [str(getattr(e, "type", "")) for e in events]


def payload(event: Event) -> Any:
    return vars(event)["payload"]


async def test_a_linked_call_is_attached_to_the_incident_not_dispatched(db: ServiceUnits) -> None:
    await on(db, received("GL-1", content="水管爆了"))
    events = await on(db, linked("GL-2", content="水管爆了"))
    assert types(events) == ["OrderLinked"]  # no dispatch, no second notice to the head
    attached = payload(events[0])
    assert (attached.incident_id, attached.assignee_id) == ("INC-1", "W-0301")
    with pytest.raises(Refused) as refused:
        await command(db, Acknowledge, UM, "GL-2", WEDNESDAY_10)
    assert refused.value.status == 409


async def test_a_vulnerable_caller_is_split_off_and_dispatched_alone(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    events = await on(db, linked("GL-2", special_care=True))
    assert types(events) == ["OrderSplit", "OrderDispatched"]
    assert payload(events[0]).rule == "vulnerable"


async def test_a_call_from_another_community_is_split_off(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    elsewhere = Address(text="古楼社区1号楼", community="古楼社区")
    events = await on(db, linked("GL-2", address=elsewhere))
    assert types(events) == ["OrderSplit", "OrderDispatched"]
    assert payload(events[0]).rule == "address"


async def test_an_order_linked_after_its_dispatch_is_attached(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    await on(db, received("GL-2"))
    link = DuplicateLinked(
        order_id="GL-2",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=DuplicateLinkedPayload(incident_id="INC-1", primary_order_id="GL-1", reason="同区"),
    )
    assert types(await on(db, link)) == ["OrderLinked"]
    assert await on(db, link) == []  # a resent link changes nothing


async def test_resolving_the_incident_resolves_every_linked_order_once(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    for n in (2, 3, 4):
        await on(db, linked(f"GL-{n}"))
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    body = Resolution(handling_notes="更换主管", public_reply="已修复")
    later = WEDNESDAY_10 + timedelta(hours=2)
    events = await command(db, Resolve, UM, "GL-1", body, later)
    assert [(vars(e)["order_id"], payload(e).cascaded_from) for e in events] == [
        ("GL-1", None),
        ("GL-2", "GL-1"),
        ("GL-3", "GL-1"),
        ("GL-4", "GL-1"),
    ]
    assert {payload(e).public_reply for e in events} == {"已修复"}


async def test_the_head_is_told_of_an_incident_once(db: ServiceUnits) -> None:
    await on(db, received("GL-1", content="水管爆了"))  # the router tells the head at once
    flag = MajorEventRaised(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=MajorEventRaisedPayload(reason="12 人来电", incident_id="INC-1"),
    )
    events = await on(db, flag)
    assert [payload(e).notify for e in events] == [("P-0400",)]
    again = flag.model_copy(update={"event_id": uuid4()})  # intake's next flag, same incident
    assert await on(db, again) == []


def test_the_split_rule_attaches_what_the_primary_already_covers() -> None:
    base = OrderReceivedPayload.model_validate(received("GL-1").payload.model_dump())
    primary = incidents.Primary(order=base)
    assert incidents.split_rule(base, primary) is None
    complaint = base.model_copy(update={"category": "COMPLAINT"})
    assert incidents.split_rule(complaint, primary) == incidents.Split(
        "complaint", "投诉件单独处理，由被投诉人所在部门负责人核实"
    )
    closed = incidents.Primary(order=base, resolved=True)
    assert incidents.split_rule(base, closed) is not None
    assert incidents.split_rule(base, incidents.Primary(order=None)) is None


async def test_the_assignee_splits_a_linked_order_off_with_a_reason(db: ServiceUnits) -> None:
    from services.router.handlers.commands import SplitOff as split
    from tests.unit.test_router_handlers import DEPS, MR

    await on(db, received("GL-1"))
    await on(db, linked("GL-2"))
    body = SplitAsk(reason="来电人反映的是另一处漏点")
    with pytest.raises(Refused) as other:
        await command(db, split, MR, "GL-2", body, WEDNESDAY_10, DEPS)
    assert other.value.status == 403
    events = await command(db, split, UM, "GL-2", body, WEDNESDAY_10, DEPS)
    assert types(events) == ["OrderSplit", "OrderDispatched"]
    assert (payload(events[0]).rule, payload(events[0]).by) == ("assignee", "W-0301")
    assert payload(events[1]).reason == "manual"
    with pytest.raises(Refused) as again:
        await command(db, split, UM, "GL-2", body, WEDNESDAY_10, DEPS)
    assert again.value.status == 409
