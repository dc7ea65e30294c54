"""The outbox relay on a real SQLite file: in order, only what the broker took, then forgotten."""

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka.errors import MessageSizeTooLargeError
from sqlalchemy import func, select

from shared.clock import ManualClock
from shared.contracts import OrderAcknowledged, OrderAcknowledgedPayload
from shared.db import Database, ServiceBase, new_metadata
from shared.inbox import Inbox, InboxMixin
from shared.outbox import Outbox, OutboxMixin
from shared.topics import Topics

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


def _event(order_id: str) -> OrderAcknowledged:
    return OrderAcknowledged(
        order_id=order_id,
        occurred_at=START,
        producer="router",
        payload=OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department="UM"),
    )


async def _database(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    await db.start()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return db


async def test_the_relay_publishes_in_order_and_keeps_what_the_broker_refused(
    tmp_path: Path,
) -> None:
    db = await _database(tmp_path)
    clock = ManualClock(START)
    outbox = Outbox(OutboxRow, clock, Topics.named("ns"))
    async with db.transaction() as session:
        await outbox.add(session, [_event("GL-1"), _event("GL-2"), _event("GL-3")])

    sent: list[tuple[str, bytes]] = []
    refuse = {b"GL-2"}

    async def publish(topic: str, key: bytes, value: bytes, kind: str) -> Awaitable[object]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        if key in refuse:
            future.set_exception(ConnectionError("broker went away"))
        else:
            sent.append((topic, key))
            future.set_result(None)
        return future

    with pytest.raises(ConnectionError):  # a transient failure ends the round: back off
        await outbox.relay_once(db, publish)
    assert sent == [("ns.gridline.orders", b"GL-1"), ("ns.gridline.orders", b"GL-3")]
    refuse.clear()
    assert await outbox.relay_once(db, publish) == 1
    assert sent[-1] == ("ns.gridline.orders", b"GL-2")
    assert await outbox.relay_once(db, publish) == 0

    clock.advance(timedelta(days=8))
    await outbox.housekeeping(db)
    async with db.transaction() as session:
        left = await session.scalar(select(func.count()).select_from(OutboxRow))
    assert left == 0
    await db.stop()


async def test_a_row_the_broker_refuses_for_good_is_parked_and_holds_only_its_own_order(
    tmp_path: Path,
) -> None:
    db = await _database(tmp_path)
    outbox = Outbox(OutboxRow, ManualClock(START), Topics.named("ns"))
    async with db.transaction() as session:
        await outbox.add(
            session, [_event("GL-BIG"), _event("GL-1"), _event("GL-BIG"), _event("GL-2")]
        )
    first_big = True
    sent: list[bytes] = []

    async def publish(topic: str, key: bytes, value: bytes, kind: str) -> Awaitable[object]:
        nonlocal first_big
        if key == b"GL-BIG" and first_big:
            first_big = False
            raise MessageSizeTooLargeError("the message is 2097152 bytes when serialized")
        sent.append(key)
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    assert await outbox.relay_once(db, publish) == 3  # one parked, two sent
    assert sent == [b"GL-1", b"GL-2"]  # the second GL-BIG event waits behind the parked one
    assert await outbox.relay_once(db, publish) == 0
    (parked,) = await outbox.parked(db)
    assert parked.key == "GL-BIG" and "MessageSizeTooLargeError" in parked.parked_reason

    assert await outbox.unpark(db, [parked.id]) == 1  # the operator fixed the cause
    assert await outbox.relay_once(db, publish) == 2
    assert sent[-2:] == [b"GL-BIG", b"GL-BIG"]
    assert await outbox.parked(db) == []
    await db.stop()


async def test_requeue_gives_a_broker_that_lost_its_memory_every_retained_row_in_order(
    tmp_path: Path,
) -> None:
    db = await _database(tmp_path)
    outbox = Outbox(OutboxRow, ManualClock(START), Topics.named("ns"))
    async with db.transaction() as session:
        await outbox.add(session, [_event(f"GL-{i}") for i in range(5)])
    sent: list[bytes] = []

    async def publish(topic: str, key: bytes, value: bytes, kind: str) -> Awaitable[object]:
        sent.append(key)
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    assert await outbox.relay_once(db, publish) == 5
    assert await outbox.requeue_retained(db) == 5
    assert await outbox.relay_once(db, publish) == 5
    assert sent[5:] == sent[:5] == [f"GL-{i}".encode() for i in range(5)]
    await db.stop()


async def test_the_inbox_claims_a_batch_in_one_statement_and_lets_each_event_through_once(
    tmp_path: Path,
) -> None:
    db = await _database(tmp_path)
    inbox = Inbox(InboxRow)
    a, b, c = (_event(f"GL-{i}").event_id for i in range(3))
    async with db.transaction() as session:
        assert await inbox.claim(session, a, "dispatch", START)
    async with db.transaction() as session:
        fresh = await inbox.claim_many(session, [a, b, c, b], "dispatch", START)
    assert fresh == {str(b), str(c)}
    async with db.transaction() as session:
        assert await inbox.claim_many(session, [a, b, c], "dispatch", START) == set()
        assert await inbox.claim_many(session, [a], "timeline", START) == {str(a)}
    await db.stop()


async def test_the_inbox_lets_an_event_through_once_per_consumer(tmp_path: Path) -> None:
    db = await _database(tmp_path)
    inbox = Inbox(InboxRow)
    event = _event("GL-1")
    async with db.transaction() as session:
        assert await inbox.claim(session, event.event_id, "dispatch", START)
        assert not await inbox.claim(session, event.event_id, "dispatch", START)
        assert await inbox.claim(session, event.event_id, "timeline", START)
    try:
        async with db.transaction() as session:
            assert await inbox.claim(session, _event("GL-2").event_id, "dispatch", START)
            raise RuntimeError("the effect failed")
    except RuntimeError:
        pass
    async with db.transaction() as session:
        # Rolled back with the effect: the event is still to be processed.
        assert await session.scalar(select(func.count()).select_from(InboxRow)) == 2
    await db.stop()
