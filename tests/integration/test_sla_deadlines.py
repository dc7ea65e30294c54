"""Durable deadlines on a real database (SQLite and PostgreSQL): the handler stores clocks, the
poller fires them through the outbox, once — across restarts and with two pollers at once."""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.sla.app import MIGRATIONS
from services.sla.config import Policies, SlaDeps
from services.sla.handlers import EVENTS, watching_resolve
from services.sla.jobs import fire_due
from services.sla.queries import Scope, SlaQueries
from services.sla.queries import at_risk as build_at_risk
from services.sla.queries import overview as build_overview
from services.sla.store import DeadlineRow, OutboxRow, ShareRepository
from shared.clock import ManualClock, SystemClock
from shared.contracts import (
    Address,
    AnswerPromised,
    AnswerPromisedPayload,
    AppointmentSet,
    AppointmentSetPayload,
    CallbackRecorded,
    CallbackRecordedPayload,
    Event,
    ExtensionGranted,
    ExtensionGrantedPayload,
    OrderAcknowledged,
    OrderDispatched,
    OrderEvent,
    OrderLinked,
    OrderLinkedPayload,
    OrderReceived,
    OrderReopened,
    OrderReopenedPayload,
    OrderResolved,
    OrderResolvedPayload,
    OrderReturned,
    OrderReturnedPayload,
    OrderSplit,
    OrderSplitPayload,
    OrderSupervised,
    OrderSupervisedPayload,
    OrderUrged,
    OrderUrgedPayload,
    OrderWithdrawn,
    OrderWithdrawnPayload,
    ProgressNoted,
    ProgressNotedPayload,
    ReplySent,
    ReplySentPayload,
    ResolveDeadlineSet,
)
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import Outbox
from shared.paths import CONFIG_DIR
from shared.topics import Topics
from shared.unit_of_work import UnitOfWork, UnitsOfWork
from shared.workdays import WorkCalendar
from tests.support.builders import order_acknowledged, order_dispatched, order_received
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Beijing
DEPS = SlaDeps(
    Policies.from_file(CONFIG_DIR / "sla_policies.yaml"),
    WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml"),
)


async def handle(event: OrderEvent, session: AsyncSession, now: datetime) -> Sequence[Event]:
    return await EVENTS[type(event)](event, UnitOfWork(session, now), DEPS)


async def open_db(databases: DatabaseFactory, url: str | None = None) -> Database:
    db = Database(url or await databases.url("sla"))
    await db.start()
    await upgrade(db, MIGRATIONS)
    return db


@pytest.fixture
async def db(databases: DatabaseFactory) -> AsyncIterator[Database]:
    database = await open_db(databases)
    yield database
    await database.stop()


def outbox_at(clock: ManualClock) -> Outbox:
    return Outbox(OutboxRow, clock, Topics.named("t"))


def units(db: Database, outbox: Outbox) -> UnitsOfWork:
    """The poller's units of work (``fire_due`` is told its ``now``)."""
    return UnitsOfWork(db, outbox, SystemClock())


async def feed(db: Database, events: Sequence[OrderEvent], now: datetime) -> None:
    for event in events:
        async with db.transaction() as session:
            # Cards come from the poller only; a handler says just where the 办结时限 now is.
            caused = await handle(event, session, now)
            assert all(isinstance(e, ResolveDeadlineSet) for e in caused), caused


async def emitted(db: Database) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        rows = await session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [json.loads(r.body) for r in rows]


async def deadlines(db: Database, order_id: str) -> list[DeadlineRow]:
    async with db.transaction() as session:
        rows = await session.scalars(
            select(DeadlineRow).where(DeadlineRow.order_id == order_id).order_by(DeadlineRow.id)
        )
        return list(rows)


def received(
    order_id: str,
    *,
    source: str = "12345",
    category: str = "LEAK",
    at: datetime = T0,
    platform_deadline: datetime | None = None,
    appointment_at: datetime | None = None,
) -> OrderReceived:
    return order_received(
        order_id,
        at,
        source=source,
        category=category,
        category_label={"LEAK": "漏水", "CONSULTATION": "咨询"}.get(category, category),
        priority="urgent",
        address=Address(),
        platform_deadline=platform_deadline,
        appointment_at=appointment_at,
    )


def dispatched(
    order_id: str, assignment: int, department: str, assignee: str, at: datetime
) -> OrderDispatched:
    return order_dispatched(
        order_id, at, assignment=assignment, department=department, assignee=assignee
    )


def acknowledged(
    order_id: str, assignment: int, department: str, at: datetime
) -> OrderAcknowledged:
    return order_acknowledged(order_id, at, assignment=assignment, department=department)


def open_kinds(rows: list[DeadlineRow]) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = {}
    for r in rows:
        if r.state == "open":
            out.setdefault(f"{r.purpose}:{r.kind}", []).append(r.department)
    return out


async def test_an_order_left_alone_gets_a_yellow_then_a_red_card(db: Database) -> None:
    clock = ManualClock(T0)
    outbox = outbox_at(clock)
    await feed(
        db,
        [received("GL-1"), dispatched("GL-1", 1, "USER_MAINTENANCE", "W-0301", T0)],
        T0,
    )
    # 12345 leak: sign-for 30 min, crew on site 30 min, repaired in 24 h, reply in 5 working days.
    assert open_kinds(await deadlines(db, "GL-1")) == {
        "card:acknowledge": ["USER_MAINTENANCE"],
        "card:arrive": ["USER_MAINTENANCE"],
        "card:resolve": ["USER_MAINTENANCE"],
        "card:reply": ["USER_MAINTENANCE"],
        "chain:acknowledge": ["USER_MAINTENANCE"],
    }

    async def fire_at(when: datetime) -> list[tuple[str, str | None]]:
        clock.set(when)
        before = len(await emitted(db))
        while await fire_due(units(db, outbox), when, batch=3):
            pass
        return [(e["type"], e["payload"].get("deadline")) for e in (await emitted(db))[before:]]

    assert await fire_at(T0 + timedelta(minutes=5)) == []
    assert sorted(await fire_at(T0 + timedelta(minutes=10))) == [("AckOverdue", None)]
    # 80 % of 30 minutes: yellow cards for signing for and for the crew on site.
    assert sorted(await fire_at(T0 + timedelta(minutes=24))) == [
        ("SlaWarning", "acknowledge"),
        ("SlaWarning", "arrive"),
    ]
    assert await fire_at(T0 + timedelta(minutes=29)) == []
    assert sorted(await fire_at(T0 + timedelta(minutes=30))) == [
        ("SlaBreached", "acknowledge"),
        ("SlaBreached", "arrive"),
    ]
    assert await fire_at(T0 + timedelta(hours=19, minutes=12)) == [("SlaWarning", "resolve")]
    assert await fire_at(T0 + timedelta(hours=24)) == [("SlaBreached", "resolve")]
    breach = (await emitted(db))[-1]["payload"]
    assert (breach["department"], breach["assignee_id"], breach["acknowledged"]) == (
        "USER_MAINTENANCE",
        "W-0301",
        False,
    )
    # Reply: 5 working days from Monday 09:00 is next Monday; yellow card one working day before.
    assert await fire_at(datetime(2026, 3, 6, 1, 0, tzinfo=UTC)) == [("SlaWarning", "reply")]
    assert await fire_at(datetime(2026, 3, 9, 1, 0, tzinfo=UTC)) == [("SlaBreached", "reply")]
    assert await fire_at(datetime(2026, 4, 1, tzinfo=UTC)) == []


async def test_deadlines_passed_during_a_stop_fire_once_after_start(
    databases: DatabaseFactory,
) -> None:
    first = await open_db(databases)
    url = first.url
    orders = [f"GL-{i}" for i in range(30)]
    await feed(first, [received(o, source="96568") for o in orders], T0)
    await first.stop()  # the service is down for a week

    later = T0 + timedelta(days=7)
    restarted = await open_db(databases, url)
    try:
        outbox = outbox_at(ManualClock(later))
        assert (
            sum([await fire_due(units(restarted, outbox), later, batch=7) for _ in range(20)]) > 0
        )
        assert await fire_due(units(restarted, outbox), later + timedelta(seconds=1)) == 0
        fired = Counter((e["order_id"], e["payload"]["deadline"]) for e in await emitted(restarted))
        # 96568 leak: acknowledge, arrive, resolve, reply — each one red card, no late yellow one.
        assert set(fired.values()) == {1}
        assert len(fired) == 4 * len(orders)
        assert {e["type"] for e in await emitted(restarted)} == {"SlaBreached"}
    finally:
        await restarted.stop()


async def test_two_pollers_never_fire_the_same_deadline_twice(
    databases: DatabaseFactory,
) -> None:
    one = await open_db(databases)
    two = await open_db(databases, one.url)
    try:
        rounds, per_round = 25, 60
        for n in range(rounds):
            now = T0 + timedelta(minutes=n)
            async with one.transaction() as session:
                for i in range(per_round):
                    session.add(
                        DeadlineRow(
                            order_id=f"R{n}-{i}",
                            kind="resolve",
                            purpose="card",
                            due_at=now,
                            next_at=now,
                            state="open",
                            created_at=now,
                        )
                    )
            outboxes = [outbox_at(ManualClock(now)) for _ in range(2)]

            async def drain(db: Database, outbox: Outbox, now: datetime = now) -> int:
                total = 0
                while fired := await fire_due(units(db, outbox), now, batch=7):
                    total += fired
                return total

            counts = await asyncio.gather(drain(one, outboxes[0]), drain(two, outboxes[1]))
            assert sum(counts) == per_round
        async with one.transaction() as session:
            total = await session.scalar(select(func.count()).select_from(OutboxRow))
            distinct = await session.scalar(
                select(func.count(func.distinct(OutboxRow.key))).select_from(OutboxRow)
            )
        assert total == distinct == rounds * per_round
    finally:
        await two.stop()
        await one.stop()


async def test_acknowledgement_return_and_re_dispatch_move_the_right_clocks(db: Database) -> None:
    t = T0
    await feed(
        db,
        [
            received("GL-9", platform_deadline=T0 + timedelta(days=2)),
            dispatched("GL-9", 1, "METER_READING", "W-0101", t),
            acknowledged("GL-9", 1, "METER_READING", t + timedelta(minutes=5)),
        ],
        t,
    )
    rows = await deadlines(db, "GL-9")
    assert "card:acknowledge" not in open_kinds(rows) and "chain:acknowledge" not in open_kinds(
        rows
    )
    first_resolve = next(r for r in rows if r.kind == "resolve")
    assert first_resolve.due_at == T0 + timedelta(hours=24)

    # 抄表处 returns it (not ours) after 20 hours; 用户维修处 gets it and its own full 24 h.
    back = T0 + timedelta(hours=20)
    await feed(
        db,
        [
            OrderReturned(
                order_id="GL-9",
                occurred_at=back,
                producer="router",
                payload=OrderReturnedPayload(
                    by="W-0101", department="METER_READING", reason="非本部门"
                ),
            ),
            dispatched("GL-9", 2, "USER_MAINTENANCE", "W-0301", back + timedelta(minutes=1)),
        ],
        back,
    )
    rows = await deadlines(db, "GL-9")
    assert open_kinds(rows) == {
        "card:acknowledge": ["USER_MAINTENANCE"],
        "card:arrive": ["USER_MAINTENANCE"],
        "card:resolve": ["USER_MAINTENANCE"],
        "card:reply": ["USER_MAINTENANCE"],
        "chain:acknowledge": ["USER_MAINTENANCE"],
    }
    resolve = next(r for r in rows if r.kind == "resolve" and r.state == "open")
    assert resolve.due_at == back + timedelta(minutes=1, hours=24)
    assert resolve.started_at == back + timedelta(minutes=1)
    assert first_resolve.id != resolve.id

    # The crew arrives; the caller asks to move the agreed visit by 5 hours: the repair clock
    # waits for them, the platform's deadline does not.
    arrived = back + timedelta(hours=1)
    await feed(
        db,
        [
            ProgressNoted(
                order_id="GL-9",
                occurred_at=arrived,
                producer="router",
                payload=ProgressNotedPayload(note="到场", arrived_on_site=True, by="W-0301"),
            ),
            AppointmentSet(
                order_id="GL-9",
                occurred_at=arrived,
                producer="router",
                payload=AppointmentSetPayload(
                    appointment_at=arrived + timedelta(hours=5), requested_by="caller", by="W-0301"
                ),
            ),
        ],
        arrived,
    )
    resolve = next(
        r for r in await deadlines(db, "GL-9") if r.kind == "resolve" and r.state == "open"
    )
    assert resolve.paused_seconds == 5 * 3600
    assert resolve.policy_due == back + timedelta(minutes=1, hours=29)
    assert resolve.due_at == resolve.platform_due == T0 + timedelta(days=2)
    assert "card:arrive" not in open_kinds(await deadlines(db, "GL-9"))

    extended = T0 + timedelta(days=10)
    await feed(
        db,
        [
            ExtensionGranted(
                order_id="GL-9",
                occurred_at=arrived,
                producer="router",
                payload=ExtensionGrantedPayload(
                    new_deadline=extended,
                    extra_working_days=5,
                    approved_by="P-0200",
                    reason="管网改造",
                ),
            )
        ],
        arrived,
    )
    for r in await deadlines(db, "GL-9"):
        if r.state == "open" and r.kind in ("resolve", "reply"):
            assert r.due_at == extended and r.warned is False

    done = arrived + timedelta(hours=30)
    await feed(
        db,
        [
            OrderResolved(
                order_id="GL-9",
                occurred_at=done,
                producer="router",
                payload=OrderResolvedPayload(by="W-0301", department="USER_MAINTENANCE"),
            )
        ],
        done,
    )
    assert open_kinds(await deadlines(db, "GL-9")) == {"card:reply": ["USER_MAINTENANCE"]}

    async with db.transaction() as session:
        overview = await build_overview(
            SlaQueries(session, Scope()),
            done,
            {"USER_MAINTENANCE": "用户维修处"},
            timedelta(days=30),
        )
        risk = await build_at_risk(SlaQueries(session, Scope()), done, timedelta(days=30), 10)
    line = next(d for d in overview.departments if d.department == "USER_MAINTENANCE")
    assert (line.name, line.resolved_month, line.on_time_month, line.on_time_rate) == (
        "用户维修处",
        1,
        1,
        1.0,
    )
    assert overview.time_to_acknowledge.count == 1 and overview.time_to_acknowledge.p50 == 300
    assert [(i.order_id, i.kind) for i in risk.items] == [("GL-9", "reply")]

    # Each department's own share: 抄表处 held it 20 h and returned it; 用户维修处 from its
    # dispatch to the resolution.
    async with db.transaction() as session:
        shares = await ShareRepository(session).of_order("GL-9")
    assert [
        (s.department, s.ended_at and s.ended_at - s.started_at, s.outcome) for s in shares
    ] == [
        ("METER_READING", timedelta(hours=20), "returned"),
        ("USER_MAINTENANCE", done - back - timedelta(minutes=1), "resolved"),
    ]

    # The reply closes the last clock; a reopen starts a fresh resolution clock from then.
    reopened_at = done + timedelta(days=1)
    await feed(
        db,
        [
            ReplySent(
                order_id="GL-9",
                occurred_at=done,
                producer="intake",
                payload=ReplySentPayload(channel="12345", target="platform"),
            ),
            OrderReopened(
                order_id="GL-9",
                occurred_at=reopened_at,
                producer="intake",
                payload=OrderReopenedPayload(reason="市民反映仍在漏水", by="P-0400"),
            ),
        ],
        reopened_at,
    )
    rows = await deadlines(db, "GL-9")
    # The second round owes a second reply too: its clock opens again with the resolution's.
    assert open_kinds(rows) == {
        "card:resolve": ["USER_MAINTENANCE"],
        "card:reply": ["USER_MAINTENANCE"],
    }
    fresh = next(r for r in rows if r.state == "open" and r.kind == "resolve")
    assert (fresh.started_at, fresh.due_at) == (reopened_at, reopened_at + timedelta(hours=24))

    # 12345 sends it back again (重办) with its own, nearer 办理时限: that governs this round.
    redo_at = reopened_at + timedelta(days=1)
    await feed(
        db,
        [
            OrderResolved(
                order_id="GL-9",
                occurred_at=redo_at,
                producer="router",
                payload=OrderResolvedPayload(by="W-0301", department="USER_MAINTENANCE"),
            ),
            OrderReopened(
                order_id="GL-9",
                occurred_at=redo_at,
                producer="intake",
                payload=OrderReopenedPayload(
                    reason="12345 重办", by="12345", round=3, deadline=redo_at + timedelta(hours=6)
                ),
            ),
        ],
        redo_at,
    )
    rows = await deadlines(db, "GL-9")
    assert {r.due_at for r in rows if r.state == "open" and r.kind == "resolve"} == {
        redo_at + timedelta(hours=6)
    }

    # 撤单: every clock stops, and nothing the order does afterwards starts one.
    await feed(
        db,
        [
            OrderWithdrawn(
                order_id="GL-9",
                occurred_at=redo_at,
                producer="intake",
                payload=OrderWithdrawnPayload(message_id="m-9", at=redo_at),
            ),
            OrderReopened(
                order_id="GL-9",
                occurred_at=redo_at,
                producer="intake",
                payload=OrderReopenedPayload(reason="回访不满意", by="12345", round=4),
            ),
        ],
        redo_at,
    )
    assert open_kinds(await deadlines(db, "GL-9")) == {}


def appointment(
    order_id: str, when: datetime, at: datetime, explanation: str = ""
) -> AppointmentSet:
    return AppointmentSet(
        order_id=order_id,
        occurred_at=at,
        producer="router",
        payload=AppointmentSetPayload(appointment_at=when, explanation=explanation, by="W-0301"),
    )


async def test_an_agreed_time_passed_with_no_arrival_and_no_new_time_is_a_missed_appointment(
    db: Database,
) -> None:
    clock = ManualClock(T0)
    outbox = outbox_at(clock)
    await feed(
        db,
        [
            received("GL-M", source="grid_report", category="COVER_DAMAGED"),
            dispatched("GL-M", 1, "METER_READING", "W-0101", T0),
            appointment("GL-M", T0 + timedelta(hours=2), T0),
            # Re-agreed with an explanation: the first time is no longer a missed one; the
            # explanation does not cover the new time, missed without a word (18(一)4).
            appointment("GL-M", T0 + timedelta(hours=4), T0 + timedelta(hours=1), "材料未到，改约"),
            # A time agreed at intake, before anyone was dispatched: the visit falls to W-0102.
            received(
                "GL-P",
                source="grid_report",
                category="COVER_DAMAGED",
                appointment_at=T0 + timedelta(hours=3),
            ),
            dispatched("GL-P", 1, "METER_READING", "W-0102", T0),
            received("GL-K", source="grid_report", category="COVER_DAMAGED"),
            dispatched("GL-K", 1, "METER_READING", "W-0102", T0),
            appointment("GL-K", T0 + timedelta(hours=2), T0),
            ProgressNoted(
                order_id="GL-K",
                occurred_at=T0 + timedelta(hours=1, minutes=50),
                producer="router",
                payload=ProgressNotedPayload(note="已到场", arrived_on_site=True, by="W-0102"),
            ),
        ],
        T0,
    )
    later = T0 + timedelta(hours=4, minutes=1)
    while await fire_due(units(db, outbox), later):
        pass
    missed = [e for e in await emitted(db) if e["type"] == "AppointmentMissed"]
    assert sorted(
        (e["order_id"], e["payload"]["explained"], e["payload"]["assignee_id"]) for e in missed
    ) == [("GL-M", False, "W-0101"), ("GL-P", False, "W-0102")]
    by_order = {e["order_id"]: e["payload"] for e in missed}
    assert datetime.fromisoformat(by_order["GL-M"]["appointment_at"]) == T0 + timedelta(hours=4)


async def test_a_missed_time_is_explained_only_by_a_word_to_the_caller_before_it(
    db: Database,
) -> None:
    """18(一)4: a note typed at booking explains nothing; telling the caller after the booking
    and before the time does; telling them after the time is too late."""
    clock = ManualClock(T0)
    outbox = outbox_at(clock)

    def told(order_id: str, at: datetime) -> ProgressNoted:
        return ProgressNoted(
            order_id=order_id,
            occurred_at=at,
            producer="router",
            payload=ProgressNotedPayload(
                note="已电话告知住户需晚到", caller_told=True, by="W-0101"
            ),
        )

    events: list[OrderEvent] = []
    for order_id in ("GL-NOTE", "GL-TOLD", "GL-LATE"):
        events += [
            received(order_id, source="grid_report", category="COVER_DAMAGED"),
            dispatched(order_id, 1, "METER_READING", "W-0101", T0),
        ]
    events += [
        appointment("GL-NOTE", T0 + timedelta(hours=2), T0, "住户下午在家"),
        appointment("GL-TOLD", T0 + timedelta(hours=2), T0),
        told("GL-TOLD", T0 + timedelta(hours=1)),
        appointment("GL-LATE", T0 + timedelta(hours=2), T0),
    ]
    await feed(db, events, T0)
    while await fire_due(units(db, outbox), T0 + timedelta(hours=2, minutes=1)):
        pass
    await feed(db, [told("GL-LATE", T0 + timedelta(hours=3))], T0 + timedelta(hours=3))
    missed = {
        e["order_id"]: e["payload"]["explained"]
        for e in await emitted(db)
        if e["type"] == "AppointmentMissed"
    }
    assert missed == {"GL-NOTE": False, "GL-TOLD": True, "GL-LATE": False}


async def test_only_the_events_that_can_move_the_resolve_deadline_read_it_and_nothing_is_lost(
    databases: DatabaseFactory,
) -> None:
    """Issue 14: the handler table reads the 办结时限 before and after only the events that can
    open or move it; every event of an order's life, run once that way and once with every
    handler watched, says the same ``ResolveDeadlineSet`` events."""
    watched_always = {
        cls: watching_resolve(getattr(handler, "__wrapped__", handler))
        for cls, handler in EVENTS.items()
    }
    late = T0 + timedelta(hours=20)

    def by(cls: Any, order_id: str, payload: Any, at: datetime = T0) -> OrderEvent:
        event: OrderEvent = cls(
            order_id=order_id, occurred_at=at, producer="router", payload=payload
        )
        return event

    linked = received("GL-L", at=T0).model_copy(
        update={"payload": received("GL-L").payload.model_copy(update={"incident_id": "INC-1"})}
    )
    life: list[OrderEvent] = [
        received("GL-W", platform_deadline=T0 + timedelta(days=2)),
        dispatched("GL-W", 1, "METER_READING", "W-0101", T0),
        acknowledged("GL-W", 1, "METER_READING", T0 + timedelta(minutes=5)),
        by(ProgressNoted, "GL-W", ProgressNotedPayload(note="晚到", caller_told=True, by="W")),
        by(
            AppointmentSet,
            "GL-W",
            AppointmentSetPayload(
                appointment_at=T0 + timedelta(hours=3), requested_by="caller", by="W"
            ),
        ),
        by(ProgressNoted, "GL-W", ProgressNotedPayload(note="到场", arrived_on_site=True, by="W")),
        by(
            AnswerPromised,
            "GL-W",
            AnswerPromisedPayload(promised_at=late, by="W", department="USER_MAINTENANCE"),
        ),
        by(
            OrderReturned,
            "GL-W",
            OrderReturnedPayload(by="W", department="METER_READING", reason="非本部门"),
            late,
        ),
        dispatched("GL-W", 2, "USER_MAINTENANCE", "W-0301", late),
        by(
            ExtensionGranted,
            "GL-W",
            ExtensionGrantedPayload(
                new_deadline=T0 + timedelta(days=10),
                extra_working_days=5,
                approved_by="P-0200",
                reason="管网改造",
            ),
            late,
        ),
        by(OrderResolved, "GL-W", OrderResolvedPayload(by="W", department="USER_MAINTENANCE")),
        by(OrderUrged, "GL-W", OrderUrgedPayload(message_id="m-U", at=T0)),
        by(OrderSupervised, "GL-W", OrderSupervisedPayload(message_id="m-S", at=T0, deadline=late)),
        by(ReplySent, "GL-W", ReplySentPayload(channel="12345", target="platform")),
        by(
            CallbackRecorded,
            "GL-W",
            CallbackRecordedPayload(message_id="m-C", at=T0, satisfaction="不满意", solved=False),
        ),
        by(OrderReopened, "GL-W", OrderReopenedPayload(reason="仍在漏水", by="P-0400"), late),
        linked,
        by(
            OrderSplit,
            "GL-L",
            OrderSplitPayload(
                incident_id="INC-1", primary_order_id="GL-W", rule="vulnerable", reason="独居老人"
            ),
        ),
        received("GL-K"),
        by(OrderLinked, "GL-K", OrderLinkedPayload(incident_id="INC-1", primary_order_id="GL-W")),
        by(OrderWithdrawn, "GL-K", OrderWithdrawnPayload(message_id="m-K", at=T0), late),
    ]
    assert {type(e) for e in life} == set(EVENTS)

    async def said(table: dict[type[Any], Any], service: str) -> list[tuple[str, str, Any]]:
        db = await open_db(databases, await databases.url(service))
        out = []
        try:
            for event in life:
                async with db.transaction() as session:
                    uow = UnitOfWork(session, event.occurred_at)
                    for e in await table[type(event)](event, uow, DEPS):
                        out.append((type(e).__name__, e.order_id, e.payload.model_dump()))
        finally:
            await db.stop()
        return out

    table_said = await said(EVENTS, "sla_table")
    assert table_said == await said(watched_always, "sla_every")
    assert {order_id for _, order_id, _ in table_said} == {"GL-W", "GL-L", "GL-K"}
    # A deadline moved in place is said too: the caller's pause and the extension each move
    # GL-W's 办结时限 (the router's inbox follows them).
    # A deadline moved in place is said too: the caller's 3-hour pause and the extension move
    # GL-W's 办结时限 where it stands, and the router's inbox must follow them.
    moves = [p["due"] - T0 for _, order_id, p in table_said if order_id == "GL-W"]
    assert moves == [
        timedelta(days=1),  # received: 24 hours
        timedelta(days=1, hours=3),  # the caller's pause of 3 hours
        late + timedelta(days=1) - T0,  # a fresh deadline after the return
        timedelta(days=10),  # the extension granted to the new deadline
        late + timedelta(days=1) - T0,  # reopened
    ]
