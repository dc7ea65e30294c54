"""Every background loop is ``every(seconds, command)`` through the service's ``COMMANDS`` (a
unit of work like a command from HTTP) or a ``sending`` outbound sender: the rounds, the backlog
worked off at once, the metrics after the commit, read-only rounds on a snapshot, a failing
round tried again."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from shared import loops
from shared.contracts import Event
from shared.db import ServiceBase, new_metadata
from shared.loops import every, sending
from shared.outbox import OutboxMixin
from shared.unit_of_work import CommandBus, UnitOfWork, UnitsOfWork
from tests.support.units import OpenUnits

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


@dataclass(frozen=True)
class Sweep:
    pass


@dataclass
class Backlog:
    left: list[int]
    rounds: int = 0
    failing: int = 0


async def sweep(_command: Sweep, uow: UnitOfWork, deps: Backlog) -> Sequence[Event]:
    """Takes two items a round; the answer says whether any were taken."""
    deps.rounds += 1
    if deps.failing:
        deps.failing -= 1
        raise ConnectionError("the database is away")
    taken, deps.left = deps.left[:2], deps.left[2:]
    uow.answer = taken
    return []


async def look(_command: Sweep, uow: UnitOfWork, deps: Backlog) -> Sequence[Event]:
    deps.rounds += 1
    count = await uow.session.scalar(select(func.count()).select_from(OutboxRow))
    uow.answer = count
    return []


@pytest.fixture
async def units(service_units: OpenUnits) -> UnitsOfWork:
    return (await service_units(Base, NOW)).units


class Pauses:
    """Stands in for ``asyncio.sleep`` in the loop: records each pause, ends after ``n``."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seen.append(seconds)
        if len(self.seen) >= self.n:
            raise asyncio.CancelledError


async def run(loop: loops.Every | loops.Sending, bus: CommandBus[Any], pauses: Pauses) -> None:
    with pytest.raises(asyncio.CancelledError):
        await loop.bind(None, bus)()  # type: ignore[arg-type]  # every() needs no runtime


async def test_a_round_goes_through_the_table_and_pauses_between_rounds(
    units: UnitsOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = Backlog(left=[1, 2, 3, 4, 5])
    bus = CommandBus(units, {Sweep: sweep}, deps)
    pauses = Pauses(2)
    monkeypatch.setattr("shared.loops.sleep", pauses)
    await run(every(30, Sweep()), bus, pauses)
    assert deps.rounds == 2 and pauses.seen == [30, 30]  # one round, a pause, one round
    assert deps.left == [5]


async def test_again_works_a_backlog_off_before_pausing_and_after_sees_each_commit(
    units: UnitsOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = Backlog(left=[1, 2, 3, 4, 5])
    bus = CommandBus(units, {Sweep: sweep}, deps)
    seen: list[Any] = []
    started: list[datetime] = []
    pauses = Pauses(1)
    monkeypatch.setattr("shared.loops.sleep", pauses)
    loop = every(
        1,
        Sweep(),
        again=True,
        after=lambda done, d: seen.append(done.answer),
        on_start=started.append,
    )
    await run(loop, bus, pauses)
    assert seen == [[1, 2], [3, 4], [5], []]  # rounds at once while the answer says more
    assert pauses.seen == [1] and started == [NOW]


async def test_a_failing_round_is_tried_again_after_the_pause(
    units: UnitsOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = Backlog(left=[1], failing=1)
    bus = CommandBus(units, {Sweep: sweep}, deps)
    pauses = Pauses(2)
    monkeypatch.setattr("shared.loops.sleep", pauses)
    await run(every(5, Sweep(), wait_first=True), bus, pauses)
    assert pauses.seen == [5, 5] and deps.rounds == 1  # waited first, then failed once
    pauses = Pauses(1)
    monkeypatch.setattr("shared.loops.sleep", pauses)
    await run(every(5, Sweep()), bus, pauses)
    assert deps.left == []


async def test_a_read_only_round_reads_on_a_snapshot_and_may_not_emit(units: UnitsOfWork) -> None:
    deps = Backlog(left=[])
    bus = CommandBus(units, {Sweep: look}, deps)
    assert (await loops.read(bus, Sweep())).answer == 0

    async def emits(_c: Sweep, uow: UnitOfWork, _d: Backlog) -> Sequence[Event]:
        return [object()]  # type: ignore[list-item]

    with pytest.raises(RuntimeError, match="read-only"):
        await loops.read(CommandBus(units, {Sweep: emits}, deps), Sweep())


def test_a_loop_whose_command_has_no_handler_is_refused_at_wiring(units: UnitsOfWork) -> None:
    with pytest.raises(LookupError, match="Sweep"):
        every(1, Sweep()).bind(None, CommandBus(units, {}, Backlog([])))  # type: ignore[arg-type]


def test_an_outbound_sender_is_started_from_the_runtime() -> None:
    async def send() -> None:
        return None

    made: list[object] = []

    def make(runtime: object) -> Any:
        made.append(runtime)
        return send

    loop = sending("replies", make)
    assert loop.bind("runtime", None) is send and made == ["runtime"]  # type: ignore[arg-type]
