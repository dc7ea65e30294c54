"""The outside world is spoken to with no transaction open: the shared HTTP client refuses a
request made inside a unit of work, and the sender claims, sends and records in three steps."""

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from shared.clock import ManualClock
from shared.db import Database, ServiceBase, new_metadata
from shared.outbound import NetworkInsideUnitOfWork, Outbound, OutboundSender, http_client
from shared.outbox import Outbox, OutboxMixin
from shared.topics import Topics
from shared.unit_of_work import UnitOfWork, UnitsOfWork, inside_unit_of_work

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


@pytest.fixture
async def units(tmp_path: Path) -> AsyncIterator[UnitsOfWork]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbound.db'}")
    await db.start()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield UnitsOfWork(db, Outbox(OutboxRow, ManualClock(NOW), Topics.named("ns")), ManualClock(NOW))
    await db.stop()


def _answering() -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json={"errcode": 0}))


async def test_a_request_inside_a_unit_of_work_is_refused_and_outside_it_goes(
    units: UnitsOfWork,
) -> None:
    client = http_client(1.0, transport=_answering())
    async with units.begin():
        with pytest.raises(NetworkInsideUnitOfWork):
            await client.post("http://gateway.example/reply", json={})
    assert (await client.post("http://gateway.example/reply", json={})).status_code == 200
    await client.aclose()


async def test_the_sender_sends_between_two_units_of_work_and_records_each_outcome(
    units: UnitsOfWork,
) -> None:
    rows = {1: "due", 2: "due", 3: "sent"}
    seen: list[tuple[str, int, bool]] = []

    async def claim(uow: UnitOfWork, n: int) -> Sequence[int]:
        seen.append(("claim", n, inside_unit_of_work()))
        due = [key for key, state in rows.items() if state == "due"][:n]
        for key in due:
            rows[key] = "claimed"
        return due

    async def send(key: int) -> bool:
        seen.append(("send", key, inside_unit_of_work()))
        return key == 1

    async def record(uow: UnitOfWork, key: int, ok: bool) -> None:
        seen.append(("record", key, inside_unit_of_work()))
        rows[key] = "sent" if ok else "due"

    sender = OutboundSender("test", units, Outbound(claim, send, record), 1.0, batch=5)
    assert await sender.once() == 2
    assert rows == {1: "sent", 2: "due", 3: "sent"}
    assert seen == [
        ("claim", 5, True),
        ("send", 1, False),
        ("send", 2, False),
        ("record", 1, True),
        ("record", 2, True),
    ]
