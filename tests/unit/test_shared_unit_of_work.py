"""The unit of work on a real SQLite file: a handler's events reach the outbox in its transaction
or not at all, and a command reaches its handler through the service's table. A domain refusal
becomes its HTTP status in one place."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shared.clock import ManualClock
from shared.contracts import Event, OrderAcknowledged, OrderAcknowledgedPayload, OrderReceived
from shared.db import Database, ServiceBase, new_metadata
from shared.http import install_conventions
from shared.outbox import Outbox, OutboxMixin
from shared.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from shared.topics import Topics
from shared.unit_of_work import CommandBus, UnitOfWork, UnitsOfWork, event_type_names

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


@dataclass(frozen=True)
class Acknowledge:
    order_id: str


class AlreadyAcknowledged(Conflict):
    code = "already_acknowledged"


async def acknowledge(command: Acknowledge, uow: UnitOfWork, deps: str) -> Sequence[Event]:
    if command.order_id == "GL-DONE":
        raise AlreadyAcknowledged("工单已签收 (already acknowledged)", "order_id")
    uow.answer = f"{deps}:{command.order_id}"
    payload = OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department="UM")
    return [
        OrderAcknowledged(
            order_id=command.order_id, occurred_at=uow.now, producer="router", payload=payload
        )
    ]


async def _units(tmp_path: Path) -> tuple[Database, UnitsOfWork]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    await db.start()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return db, UnitsOfWork(
        db, Outbox(OutboxRow, ManualClock(NOW), Topics.named("ns")), ManualClock(NOW)
    )


async def _outbox_rows(db: Database) -> int:
    async with db.snapshot() as session:
        return int(
            (await session.execute(select(func.count()).select_from(OutboxRow))).scalar_one()
        )


async def test_a_command_reaches_its_handler_and_its_events_the_outbox(tmp_path: Path) -> None:
    db, units = await _units(tmp_path)
    bus = CommandBus(units, {Acknowledge: acknowledge}, "deps")
    done = await bus.handle(Acknowledge("GL-1"))
    assert done.answer == "deps:GL-1"
    assert [getattr(e, "order_id") for e in done.events] == ["GL-1"]  # noqa: B009
    assert done.events[0].occurred_at == NOW
    assert await _outbox_rows(db) == 1
    await db.stop()


async def test_a_refused_command_leaves_nothing_behind(tmp_path: Path) -> None:
    db, units = await _units(tmp_path)
    bus = CommandBus(units, {Acknowledge: acknowledge}, "deps")
    with pytest.raises(AlreadyAcknowledged):
        await bus.handle(Acknowledge("GL-DONE"))
    assert await _outbox_rows(db) == 0
    with pytest.raises(LookupError, match="no handler for str"):
        await bus.handle("not a command")
    await db.stop()


def test_a_table_names_the_event_types_the_consumer_keeps() -> None:
    assert event_type_names({OrderReceived: acknowledge, OrderAcknowledged: acknowledge}) == {
        "OrderReceived",
        "OrderAcknowledged",
    }
    with pytest.raises(TypeError, match="Acknowledge is not an event envelope"):
        event_type_names({Acknowledge: acknowledge})


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (NotFound, 404),
        (Forbidden, 403),
        (Invalid, 422),
        (Conflict, 409),
        (AlreadyAcknowledged, 409),
        (Refusal, 409),
    ],
)
def test_the_http_layer_alone_turns_a_refusal_into_its_status(
    refusal: type[Refusal], status: int
) -> None:
    app = FastAPI()
    install_conventions(app, "secret")

    @app.get("/refuse")
    async def refuse() -> None:
        raise refusal("不行 (no)", "order_id")

    answer = TestClient(app).get("/refuse")
    assert answer.status_code == status
    assert answer.json() == {"error": refusal.code, "detail": "不行 (no)", "field": "order_id"}


async def test_a_service_without_an_outbox_refuses_a_handler_that_emits(tmp_path: Path) -> None:
    db, _ = await _units(tmp_path)
    bus = CommandBus(UnitsOfWork(db, None, ManualClock(NOW)), {Acknowledge: acknowledge}, "d")
    with pytest.raises(RuntimeError, match="no outbox"):
        await bus.handle(Acknowledge("GL-1"))
    assert await _outbox_rows(db) == 0
    await db.stop()
