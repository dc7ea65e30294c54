"""督办's answer deadline is a clock with its cards (issue 20), on both databases: a yellow card
once 80 % of the time the platform gave has passed, a red card naming the holder when it runs
out; the reply to the platform answers it; a later 督办 replaces its deadline; a withdrawn order
or one already answered starts none."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from shared.clock import ManualClock
from shared.contracts import (
    OrderResolved,
    OrderResolvedPayload,
    OrderSupervised,
    OrderSupervisedPayload,
    OrderWithdrawn,
    OrderWithdrawnPayload,
    ReplySent,
    ReplySentPayload,
)
from shared.db import Database
from tests.integration.test_sla_deadlines import (
    T0,
    deadlines,
    dispatched,
    feed,
    open_db,
    outbox_at,
    received,
)
from tests.integration.test_sla_promises import cards_fired
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration

DEPT, HOLDER = "USER_MAINTENANCE", "W-0301"


@pytest.fixture
async def db(databases: DatabaseFactory) -> AsyncIterator[Database]:
    database = await open_db(databases)
    yield database
    await database.stop()


def supervised(order_id: str, at: datetime, deadline: datetime, n: int = 1) -> OrderSupervised:
    payload = OrderSupervisedPayload(message_id=f"FU-{n}", at=at, deadline=deadline, content="督办")
    return OrderSupervised(order_id=order_id, occurred_at=at, producer="intake", payload=payload)


def resolved(order_id: str, at: datetime) -> OrderResolved:
    payload = OrderResolvedPayload(by=HOLDER, department=DEPT)
    return OrderResolved(order_id=order_id, occurred_at=at, producer="router", payload=payload)


def replied(order_id: str, at: datetime) -> ReplySent:
    payload = ReplySentPayload(channel="12345", target="LC12345")
    return ReplySent(order_id=order_id, occurred_at=at, producer="intake", payload=payload)


async def supervise_clocks(db: Database, order_id: str) -> list[tuple[str, datetime]]:
    return [(r.state, r.due_at) for r in await deadlines(db, order_id) if r.kind == "supervise"]


async def test_a_supervision_gets_a_yellow_then_a_red_card_naming_the_holder(db: Database) -> None:
    clock = ManualClock(T0)
    outbox = outbox_at(clock)
    answer_by = T0 + timedelta(hours=11)
    await feed(db, [received("GL-S1"), dispatched("GL-S1", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [supervised("GL-S1", T0 + timedelta(hours=1), answer_by)], T0)

    async def fire_at(when: datetime) -> list[tuple[str, str | None, str | None]]:
        return await cards_fired(db, clock, outbox, when, "supervise")

    assert await supervise_clocks(db, "GL-S1") == [("open", answer_by)]
    assert await fire_at(T0 + timedelta(hours=8, minutes=59)) == []
    # 80 % of the ten hours the platform gave.
    assert await fire_at(T0 + timedelta(hours=9)) == [("SlaWarning", "supervise", HOLDER)]
    assert await fire_at(answer_by) == [("SlaBreached", "supervise", HOLDER)]


async def test_the_reply_answers_it_and_a_later_supervision_replaces_its_deadline(
    db: Database,
) -> None:
    first, second = T0 + timedelta(hours=11), T0 + timedelta(hours=6)
    await feed(db, [received("GL-S2"), dispatched("GL-S2", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [supervised("GL-S2", T0 + timedelta(hours=1), first)], T0)
    await feed(db, [supervised("GL-S2", T0 + timedelta(hours=2), second, n=2)], T0)
    assert await supervise_clocks(db, "GL-S2") == [("closed", first), ("open", second)]
    at = T0 + timedelta(hours=3)
    await feed(db, [resolved("GL-S2", at)], at)
    assert ("open", second) in await supervise_clocks(db, "GL-S2")  # the answer is still owed
    await feed(db, [replied("GL-S2", at)], at)
    assert await supervise_clocks(db, "GL-S2") == [("closed", first), ("closed", second)]


async def test_a_withdrawn_or_answered_order_starts_no_supervision_clock(db: Database) -> None:
    later = T0 + timedelta(hours=2)
    withdrawn = OrderWithdrawn(
        order_id="GL-S3",
        occurred_at=T0,
        producer="intake",
        payload=OrderWithdrawnPayload(message_id="FU-W", at=T0),
    )
    await feed(db, [received("GL-S3"), dispatched("GL-S3", 1, DEPT, HOLDER, T0), withdrawn], T0)
    await feed(db, [received("GL-S4"), dispatched("GL-S4", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [resolved("GL-S4", T0), replied("GL-S4", T0)], T0)
    for order_id in ("GL-S3", "GL-S4"):
        await feed(db, [supervised(order_id, T0, later)], T0)
        assert await supervise_clocks(db, order_id) == []
