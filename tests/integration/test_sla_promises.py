"""约定答复时间 (Art. 14) is a clock with its cards, on both databases: the time the holder told
the caller opens a 'promise' deadline, a yellow card once 80 % of the time they gave themselves
has passed and a red card naming them when it runs out; a new promise replaces it, a word to the
caller or the resolution answers it, and a withdrawn order starts none."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from services.sla.jobs import fire_due
from shared.clock import ManualClock
from shared.contracts import (
    AnswerPromised,
    AnswerPromisedPayload,
    OrderResolved,
    OrderResolvedPayload,
    OrderWithdrawn,
    OrderWithdrawnPayload,
    ProgressNoted,
    ProgressNotedPayload,
)
from shared.db import Database
from shared.outbox import Outbox
from tests.integration.test_sla_deadlines import (
    T0,
    deadlines,
    dispatched,
    emitted,
    feed,
    open_db,
    outbox_at,
    received,
    units,
)
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration

DEPT, HOLDER = "USER_MAINTENANCE", "W-0301"


@pytest.fixture
async def db(databases: DatabaseFactory) -> AsyncIterator[Database]:
    database = await open_db(databases)
    yield database
    await database.stop()


def promised(order_id: str, at: datetime, promised_at: datetime) -> AnswerPromised:
    payload = AnswerPromisedPayload(
        promised_at=promised_at, by=HOLDER, department=DEPT, assignee_id=HOLDER, assignment_id=1
    )
    return AnswerPromised(order_id=order_id, occurred_at=at, producer="router", payload=payload)


async def cards_fired(
    db: Database, clock: ManualClock, outbox: Outbox, when: datetime, kind: str
) -> list[tuple[str, str | None, str | None]]:
    """The cards of clocks of ``kind`` that fire when the clock reaches ``when``: (type, kind,
    whom they name)."""
    clock.set(when)
    before = len(await emitted(db))
    while await fire_due(units(db, outbox), when):
        pass
    return [
        (e["type"], e["payload"].get("deadline"), e["payload"].get("assignee_id"))
        for e in (await emitted(db))[before:]
        if e["payload"].get("deadline") == kind
    ]


async def promise_clocks(db: Database, order_id: str) -> list[tuple[str, datetime]]:
    return [(r.state, r.due_at) for r in await deadlines(db, order_id) if r.kind == "promise"]


async def test_a_promise_gets_a_yellow_then_a_red_card_naming_the_holder(db: Database) -> None:
    clock = ManualClock(T0)
    outbox = outbox_at(clock)
    answer_by = T0 + timedelta(hours=11)
    await feed(db, [received("GL-P1"), dispatched("GL-P1", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [promised("GL-P1", T0 + timedelta(hours=1), answer_by)], T0)

    async def fire_at(when: datetime) -> list[tuple[str, str | None, str | None]]:
        return await cards_fired(db, clock, outbox, when, "promise")

    assert await promise_clocks(db, "GL-P1") == [("open", answer_by)]
    assert await fire_at(T0 + timedelta(hours=8, minutes=59)) == []
    # 80 % of the ten hours the holder gave themselves.
    assert await fire_at(T0 + timedelta(hours=9)) == [("SlaWarning", "promise", HOLDER)]
    assert await fire_at(answer_by) == [("SlaBreached", "promise", HOLDER)]


async def test_a_new_promise_replaces_it_and_a_word_to_the_caller_answers_it(
    db: Database,
) -> None:
    first, second = T0 + timedelta(hours=5), T0 + timedelta(hours=8)
    await feed(db, [received("GL-P2"), dispatched("GL-P2", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [promised("GL-P2", T0, first)], T0)
    await feed(db, [promised("GL-P2", T0 + timedelta(hours=1), second)], T0)
    assert await promise_clocks(db, "GL-P2") == [("closed", first), ("open", second)]
    told = ProgressNoted(
        order_id="GL-P2",
        occurred_at=T0 + timedelta(hours=2),
        producer="router",
        payload=ProgressNotedPayload(note="已电话答复来电人", caller_told=True, by=HOLDER),
    )
    await feed(db, [told], T0)
    assert await promise_clocks(db, "GL-P2") == [("closed", first), ("closed", second)]


async def test_the_resolution_answers_it_and_a_withdrawn_order_starts_none(db: Database) -> None:
    later = T0 + timedelta(hours=6)
    await feed(db, [received("GL-P3"), dispatched("GL-P3", 1, DEPT, HOLDER, T0)], T0)
    await feed(db, [promised("GL-P3", T0, later)], T0)
    resolved = OrderResolved(
        order_id="GL-P3",
        occurred_at=T0 + timedelta(hours=1),
        producer="router",
        payload=OrderResolvedPayload(by=HOLDER, department=DEPT),
    )
    await feed(db, [resolved], T0)
    assert await promise_clocks(db, "GL-P3") == [("closed", later)]

    withdrawn = OrderWithdrawn(
        order_id="GL-P4",
        occurred_at=T0,
        producer="intake",
        payload=OrderWithdrawnPayload(message_id="FU-W", at=T0),
    )
    await feed(db, [received("GL-P4"), dispatched("GL-P4", 1, DEPT, HOLDER, T0), withdrawn], T0)
    await feed(db, [promised("GL-P4", T0, later)], T0)
    assert await promise_clocks(db, "GL-P4") == []
