"""12345's 催办 and 督办 lift an open order to the top of its holder's inbox and into the duty
read, and the platform's answer to our 延期 request settles it as the head's would (issue 20)."""

from datetime import timedelta
from typing import Literal

from services.router.duty import duty_orders
from services.router.handlers.commands import Acknowledge, ExtensionAsk, RequestExtension
from services.router.inbox import department_inbox
from services.router.store import InboxFilter
from shared.contracts import (
    OrderSupervised,
    OrderSupervisedPayload,
    OrderUrged,
    OrderUrgedPayload,
    PlatformDecided,
    PlatformDecidedPayload,
)
from tests.support.units import ServiceUnits
from tests.unit.test_router_handlers import (
    DEPS,
    UM,
    WEDNESDAY_10,
    command,
    db,
    on,
    order_row,
    received,
)

__all__ = ["db"]  # the fixture, shared with the handlers' tests
LATER = WEDNESDAY_10 + timedelta(hours=1)


def urge(order_id: str, n: int = 1) -> OrderUrged:
    return OrderUrged(
        order_id=order_id,
        occurred_at=LATER,
        producer="intake",
        payload=OrderUrgedPayload(message_id=f"U-{order_id}-{n}", at=LATER, content="又来电"),
    )


def supervise(order_id: str) -> OrderSupervised:
    at = LATER - timedelta(minutes=5)  # before the urges below
    payload = OrderSupervisedPayload(message_id=f"S-{order_id}", at=at, deadline=at + timedelta(1))
    return OrderSupervised(order_id=order_id, occurred_at=at, producer="intake", payload=payload)


def decided(
    approved: bool, request: Literal["extension", "return"] = "extension"
) -> PlatformDecided:
    payload = PlatformDecidedPayload(
        message_id="D-1",
        at=LATER,
        request=request,
        approved=approved,
        reason="同意延期",
    )
    return PlatformDecided(order_id="GL-1", occurred_at=LATER, producer="intake", payload=payload)


async def order_ids(db: ServiceUnits) -> list[str]:
    async with db.transaction() as session:
        page = await department_inbox(session, "USER_MAINTENANCE", InboxFilter(), (50, 0), LATER)
    return [i.order_id for i in page.items]


async def test_an_urged_order_rises_to_the_top_and_carries_its_count(db: ServiceUnits) -> None:
    for n in (1, 2, 3):  # the same time: the inbox is by order id, GL-1 first
        await on(db, received(f"GL-{n}"))
    assert await order_ids(db) == ["GL-1", "GL-2", "GL-3"]
    await on(db, urge("GL-3"), LATER)
    await on(db, urge("GL-3", 2), LATER)
    await on(db, supervise("GL-2"), LATER)
    assert await order_ids(db) == ["GL-3", "GL-2", "GL-1"]  # the latest chase on top
    row = await order_row(db, "GL-3")
    assert (row.urge_count, row.supervise_count) == (2, 0)
    async with db.transaction() as session:
        duty = {d.order_id: d for d in await duty_orders(session, set(), 50)}
    assert set(duty) == {"GL-2", "GL-3"}  # chased, though neither has escalated
    assert (duty["GL-3"].urge_count, duty["GL-2"].supervise_count) == (2, 1)


async def test_a_resolved_order_is_not_lifted_by_an_urge(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    await on(db, received("GL-0"))
    row = await order_row(db)
    await on(db, urge("GL-1"), LATER)
    assert (await order_row(db)).urge_count == 1
    async with db.transaction() as session:
        live = await session.get(type(row), "GL-1")
        assert live is not None
        live.state = "resolved"
    await on(db, urge("GL-1", 2), LATER)
    assert (await order_row(db)).urge_count == 1
    assert await order_ids(db) == ["GL-0", "GL-1"]  # back in its place by id
    async with db.transaction() as session:
        assert await duty_orders(session, set(), 50) == []


async def asked_for_days(db: ServiceUnits) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    asked = ExtensionAsk(extra_working_days=3, reason="需停水施工，等待审批")
    await command(db, RequestExtension, UM, "GL-1", asked, WEDNESDAY_10, DEPS)


async def test_the_platform_approving_our_extension_moves_the_deadline(db: ServiceUnits) -> None:
    await asked_for_days(db)
    before = (await order_row(db)).deadline
    assert before is not None
    event = decided(approved=True)
    granted = await on(db, event, LATER)
    assert [type(e).__name__ for e in granted] == ["ExtensionGranted"]
    assert granted[0].payload.approved_by == "12345"  # type: ignore[union-attr]
    assert granted[0].causation_id == event.event_id
    row = await order_row(db)
    assert (row.deadline, row.extension_request) == (
        DEPS.calendar.add_working_days(before, 3),
        None,
    )
    assert await on(db, event, LATER) == []  # nothing pending any more: no second extension


async def test_the_platform_refusing_our_extension_keeps_the_deadline(db: ServiceUnits) -> None:
    await asked_for_days(db)
    before = (await order_row(db)).deadline
    refused = await on(db, decided(approved=False), LATER)
    assert [type(e).__name__ for e in refused] == ["ExtensionRefused"]
    assert refused[0].payload.refused_by == "12345"  # type: ignore[union-attr]
    row = await order_row(db)
    assert (row.deadline, row.extension_request) == (before, None)


async def test_a_return_decision_leaves_the_extension_request_alone(db: ServiceUnits) -> None:
    await asked_for_days(db)
    assert await on(db, decided(approved=True, request="return"), LATER) == []
    assert (await order_row(db)).extension_request is not None
