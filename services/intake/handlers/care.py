"""The vulnerable-household register (Art. 4.6, 16): grid workers add, correct and retire
entries; a grid worker's ``vulnerable_household`` report registers one. Its effect on an order
is ``domain/care.py``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.sources import GridReport, Household
from services.intake.store import CareEntryRow, CareRepository
from shared.contracts import Event
from shared.organisation import community_key
from shared.refusals import Conflict, NotFound
from shared.unit_of_work import UnitOfWork


class Retired(Conflict):
    code = "retired"


@dataclass(frozen=True)
class CareDetails:
    """An entry as a grid worker writes it (``schemas.CareEntryIn`` validated)."""

    name: str
    phone: str | None
    community: str | None
    building: str | None
    unit: str | None
    room: str | None
    reason: str
    note: str
    grid: str | None


@dataclass(frozen=True)
class AddCareEntry:
    details: CareDetails
    by: str


@dataclass(frozen=True)
class CorrectCareEntry:
    entry_id: int
    details: CareDetails
    by: str


@dataclass(frozen=True)
class RetireCareEntry:
    entry_id: int
    reason: str
    by: str


async def add_entry(command: AddCareEntry, uow: UnitOfWork, deps: IntakeDeps) -> Sequence[Event]:
    """``uow.answer``: the new entry."""
    row = CareEntryRow(added_by=command.by, added_at=uow.now)
    _fill(row, command.details)
    CareRepository(uow.session).add(row)
    await uow.session.flush()
    uow.answer = row
    return []


async def correct_entry(
    command: CorrectCareEntry, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    row = await _active(CareRepository(uow.session), command.entry_id)
    _fill(row, command.details)
    row.updated_by = command.by
    row.updated_at = uow.now
    await uow.session.flush()
    uow.answer = row
    return []


async def retire_entry(
    command: RetireCareEntry, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """Moved away, deceased: the entry stays listed as retired."""
    row = await _active(CareRepository(uow.session), command.entry_id)
    row.retired_at = uow.now
    row.retired_by = command.by
    row.retired_reason = command.reason
    await uow.session.flush()
    uow.answer = row
    return []


async def _active(repo: CareRepository, entry_id: int) -> CareEntryRow:
    row = await repo.get(entry_id)
    if row is None:
        raise NotFound(f"没有登记记录 {entry_id}", "entry_id")
    if row.retired_at is not None:
        raise Retired(f"entry {entry_id} was retired", "entry_id")
    return row


def _fill(row: CareEntryRow, entry: CareDetails) -> None:
    row.name = entry.name
    row.phone = entry.phone
    row.community = entry.community
    row.community_key = community_key(entry.community) if entry.community else None
    row.building = entry.building
    row.unit = entry.unit
    row.room = entry.room
    row.reason = entry.reason
    row.note = entry.note
    row.grid = entry.grid


@dataclass(frozen=True)
class HouseholdPlace:
    community: str | None
    building: str | None
    unit: str | None
    room: str | None
    grid: str | None


def household_place(report: GridReport) -> HouseholdPlace:
    where = report.location
    return HouseholdPlace(where.community, where.building, where.unit, where.room, report.grid_id)


async def register_household(
    session: AsyncSession, household: Household, place: HouseholdPlace, by: str, now: datetime
) -> CareEntryRow:
    """A grid worker's report of a household: registered once (a resent report finds it)."""
    repo = CareRepository(session)
    key = community_key(place.community) if place.community else None
    known = await repo.same_household(
        household.name, household.phone, key, place.building, place.unit, place.room
    )
    if known is not None:
        return known
    row = CareEntryRow(
        name=household.name,
        phone=household.phone,
        community=place.community,
        community_key=key,
        building=place.building,
        unit=place.unit,
        room=place.room,
        reason=household.reason,
        note="",
        grid=place.grid,
        added_by=by,
        added_at=now,
    )
    repo.add(row)
    await session.flush()
    return row
