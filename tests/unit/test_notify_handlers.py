"""Notify's handler on a real (SQLite) database, without a broker: what each event plans, that
an event handled twice plans nothing twice, and that an incident's orders tell a person once."""

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.intake.domain.timeline import summarize
from services.notify.config import NotifySettings, load_deps
from services.notify.handlers import EVENTS
from services.notify.store import SENDING, Base, DeliveryRow
from shared.clock import LOCAL_TZ
from shared.contracts import (
    Address,
    DuplicateLinked,
    DuplicateLinkedPayload,
    DutyDay,
    Event,
    NotificationFailed,
    NotificationFailedPayload,
    OrderDispatched,
    OrderEvent,
    OrderReceived,
    OrderSplit,
    OrderSplitPayload,
    SlaBreached,
    SlaBreachedPayload,
    SlaWarning,
    SlaWarningPayload,
)
from tests.support.builders import order_dispatched, order_received
from tests.support.units import OpenUnits, ServiceUnits

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
DEPS = load_deps(NotifySettings())


@pytest.fixture
async def db(service_units: OpenUnits) -> ServiceUnits:
    return await service_units(Base, NOW)


async def on(db: ServiceUnits, event: OrderEvent) -> Sequence[Event]:
    return await db.handle(EVENTS[type(event)], event, DEPS)


async def deliveries(db: ServiceUnits) -> list[tuple[str, str, str]]:
    async with db.transaction() as session:
        rows = await session.scalars(select(DeliveryRow).order_by(DeliveryRow.id))
        return [(r.notice, r.person_id, r.channel) for r in rows]


def received(order_id: str) -> OrderReceived:
    address = Address(text="水城花园3号楼")
    return order_received(
        order_id, NOW, source="12345", source_ref=f"LC-{order_id}", address=address
    )


DUTY_START = datetime(2026, 12, 2, 8, 0, tzinfo=LOCAL_TZ)  # the duty day NOW falls in


def duty(person: str | None, start: datetime = DUTY_START) -> DutyDay:
    return DutyDay(
        duty_date=start.date(), starts=start, ends=start + timedelta(days=1), person_id=person
    )


ROUTER_DUTY = "P-0211"
"""Who the router has on UM-T1's duty at NOW (the file's rotation says P-0212)."""


def dispatched(
    order_id: str,
    assignee: str = "W-0301",
    number: int = 1,
    team_duty: tuple[DutyDay, ...] = (duty(ROUTER_DUTY),),
    at: datetime = NOW,
) -> OrderDispatched:
    reason = "initial" if number == 1 else "ack_overdue"
    return order_dispatched(
        order_id,
        at,
        assignment=number,
        assignee=assignee,
        ack_minutes=30,
        team="UM-T1",
        reason=reason,
        team_duty=team_duty,
    )


async def test_a_dispatch_plans_one_wecom_message_even_when_handled_twice(db: ServiceUnits) -> None:
    await on(db, received("GL-1"))
    event = dispatched("GL-1")
    await on(db, event)
    await on(db, event.model_copy(update={"event_id": event.event_id}))
    await on(db, dispatched("GL-1"))  # re-emitted with a new event id: same dispatch number
    assert await deliveries(db) == [("dispatched", "W-0301", "wecom_app")]
    await on(db, dispatched("GL-1", "W-0302", 2))
    assert (await deliveries(db))[-1] == ("escalated", "W-0302", "wecom_app")


async def test_cards_and_the_reply_deadline_reach_the_people_the_rules_name(
    db: ServiceUnits,
) -> None:
    await on(db, received("GL-2"))
    await on(db, dispatched("GL-2"))
    warn = SlaWarningPayload(deadline="reply", due=NOW + timedelta(hours=4))
    await on(db, SlaWarning(order_id="GL-2", occurred_at=NOW, producer="sla", payload=warn))
    red = SlaBreachedPayload(deadline="resolve", due=NOW)
    await on(db, SlaBreached(order_id="GL-2", occurred_at=NOW, producer="sla", payload=red))
    planned = await deliveries(db)
    assert ("reply_due", "W-0301", "wecom_app") in planned
    assert {p for n, p, _ in planned if n == "reply_due"} == {"W-0301", *DEPS.rules.ops}
    red_people = [p for n, p, _ in planned if n == "red_card"]
    assert red_people == ["W-0301", ROUTER_DUTY]  # and the router's person on UM-T1's duty


async def test_orders_linked_into_one_incident_tell_each_person_once(db: ServiceUnits) -> None:
    await on(db, received("GL-P"))
    await on(db, dispatched("GL-P"))  # before the incident existed
    for n in range(1, 6):
        order = f"GL-L{n}"
        await on(db, received(order))
        link = DuplicateLinkedPayload(incident_id="INC-1", primary_order_id="GL-P", reason="同区")
        await on(
            db, DuplicateLinked(order_id=order, occurred_at=NOW, producer="intake", payload=link)
        )
        await on(db, dispatched(order))
    assert await deliveries(db) == [("dispatched", "W-0301", "wecom_app")]


def test_the_timeline_says_in_chinese_who_could_not_be_reached() -> None:
    failed = NotificationFailed(
        order_id="GL-1",
        occurred_at=NOW,
        producer="notify",
        payload=NotificationFailedPayload(
            person_id="W-0301",
            person_name="褚建国",
            channel="wecom_app",
            reason="企业微信：UserID不存在（errcode 60111）",
            attempts=1,
            notice="dispatched",
        ),
    )
    assert summarize(failed).startswith("通知失败：褚建国无法联系")


async def test_a_card_fired_again_tells_nobody_twice_and_names_its_deadline(
    db: ServiceUnits,
) -> None:
    await on(db, received("GL-3"))
    await on(db, dispatched("GL-3"))
    red = SlaBreachedPayload(deadline="resolve", due=NOW)
    for _ in range(2):  # two events (a new event id each), one deadline
        await on(db, SlaBreached(order_id="GL-3", occurred_at=NOW, producer="sla", payload=red))
    planned = [d for d in await deliveries(db) if d[0] == "red_card"]
    assert len(planned) == 2  # the assignee and the team's person on duty, once each
    async with db.transaction() as session:
        text = await session.scalar(
            select(DeliveryRow.text).where(DeliveryRow.notice == "red_card").limit(1)
        )
    assert text is not None and "办结时限：12月02日 10:00" in text


def red(order_id: str, kind: str, due: datetime) -> SlaBreached:
    payload = SlaBreachedPayload(deadline=kind, due=due)
    return SlaBreached(order_id=order_id, occurred_at=NOW, producer="sla", payload=payload)


async def red_cards(db: ServiceUnits) -> list[tuple[str, str]]:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(DeliveryRow).where(DeliveryRow.notice == "red_card").order_by(DeliveryRow.id)
        )
        return [(r.person_id, r.text) for r in rows]


async def test_clocks_firing_together_are_one_red_card_per_person_listing_them(
    db: ServiceUnits,
) -> None:
    await on(db, received("GL-G"))
    await on(db, dispatched("GL-G"))
    due = NOW + timedelta(hours=2)
    for kind in ("arrive", "resolve", "reply"):
        await on(db, red("GL-G", kind, due))
    await on(db, red("GL-G", "resolve", due))  # fired again: told once
    cards = await red_cards(db)
    assert len(cards) == 2  # the assignee and the team's person on duty, one message each
    for _, text in cards:
        assert all(f"{k}时限：12月02日 12:00" in text for k in ("到场", "办结", "答复"))


async def test_a_clock_firing_after_its_orders_card_was_taken_is_a_message_of_its_own(
    db: ServiceUnits,
) -> None:
    await on(db, received("GL-H"))
    await on(db, dispatched("GL-H"))
    await on(db, red("GL-H", "arrive", NOW))
    async with db.transaction() as session:  # the delivery job claims the card
        for row in await session.scalars(select(DeliveryRow)):
            row.state, row.attempts = SENDING, 1
    await on(db, red("GL-H", "resolve", NOW + timedelta(hours=1)))
    await on(db, red("GL-H", "arrive", NOW))  # the first clock again: still nothing new
    texts = [t for p, t in await red_cards(db) if p == "W-0301"]
    assert len(texts) == 2
    assert "办结时限" not in texts[0] and "办结时限" in texts[1]


async def test_a_12345_order_late_before_intake_raises_no_red_card_burst(db: ServiceUnits) -> None:
    taken_in = NOW
    late = received("GL-L").model_copy(
        update={
            "payload": received("GL-L").payload.model_copy(
                update={"platform_deadline": taken_in - timedelta(hours=3), "priority": "urgent"}
            )
        }
    )
    await on(db, late)
    await on(db, dispatched("GL-L"))
    for kind in ("arrive", "resolve", "reply", "promise"):
        await on(db, red("GL-L", kind, taken_in - timedelta(hours=3)))
    planned = await deliveries(db)
    assert [d for d in planned if d[0] == "red_card"] == []
    by_person: dict[str, set[str]] = {}
    for notice, person, _ in planned:
        by_person.setdefault(person, set()).add(notice)
    assert by_person["W-0301"] == {"dispatched"}  # its text says 转来时已超时
    assert by_person == {"W-0301": {"dispatched"}, ROUTER_DUTY: {"late_on_arrival"}}
    assert len(planned) == 2  # one message each, not 4 clocks × 2 people
    async with db.transaction() as session:
        text = await session.scalar(
            select(DeliveryRow.text).where(DeliveryRow.notice == "dispatched").limit(1)
        )
    assert text is not None and "转来时已超时" in text


async def test_a_split_off_order_reaches_an_assignee_already_told_of_its_incident(
    db: ServiceUnits,
) -> None:
    await on(db, received("GL-P"))
    await on(db, dispatched("GL-P"))  # the incident's work, told to W-0301
    await on(db, received("GL-S"))
    link = DuplicateLinkedPayload(incident_id="INC-9", primary_order_id="GL-P", reason="同区")
    await on(db, DuplicateLinked(order_id="GL-S", occurred_at=NOW, producer="intake", payload=link))
    split = OrderSplitPayload(
        incident_id="INC-9", primary_order_id="GL-P", rule="vulnerable", reason="独居老人"
    )
    await on(db, OrderSplit(order_id="GL-S", occurred_at=NOW, producer="router", payload=split))
    await on(db, dispatched("GL-S"))
    await on(db, dispatched("GL-S", "W-0301", 2))  # every dispatch of it is news
    async with db.transaction() as session:
        rows = await session.scalars(select(DeliveryRow).where(DeliveryRow.order_id == "GL-S"))
        told = sorted((r.notice, r.person_id, r.assignment_id) for r in rows)
    assert told == [("dispatched", "W-0301", 1), ("escalated", "W-0301", 2)]


async def red_card_people(db: ServiceUnits, order_id: str) -> list[str]:
    await on(db, red(order_id, "resolve", NOW))
    return [p for p, _ in await red_cards(db)]


async def test_team_duty_is_whom_the_routers_latest_dispatch_names_never_the_files_rotation(
    db: ServiceUnits,
) -> None:
    """Issue 19: a head's swap in the router put P-0210 on duty; the file says P-0212. Notify
    wakes whom the router's newest dispatch for the team names, and an older dispatch read
    late does not bring back the person it named."""
    await on(db, received("GL-D1"))
    await on(db, dispatched("GL-D1", team_duty=(duty("P-0210"),)))
    await on(db, received("GL-D2"))
    earlier = NOW - timedelta(minutes=5)
    await on(db, dispatched("GL-D2", team_duty=(duty("P-0211"),), at=earlier))
    assert await red_card_people(db, "GL-D2") == ["W-0301", "P-0210"]


async def test_nobody_named_for_the_moment_means_no_team_duty_message(db: ServiceUnits) -> None:
    """The router named nobody (the person on duty is on leave), or no day covering now: only
    the assignee hears of it; the file's rotation is not a fallback."""
    await on(db, received("GL-N1"))
    await on(db, dispatched("GL-N1", team_duty=(duty(None),)))
    assert await red_card_people(db, "GL-N1") == ["W-0301"]
