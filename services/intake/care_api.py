"""The vulnerable-household register over HTTP (Art. 4.6, 16): grid workers (department roles)
add, update and retire entries; heads list them. Phones are shown masked."""

from dataclasses import dataclass
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.intake.formats import PHONE, SourceModel
from services.intake.queues import CareRepository
from services.intake.store import CareEntryRow
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, QueryKey, require
from shared.masking import mask_phone
from shared.organisation import community_key
from shared.runtime import ServiceRuntime

EntryId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class CareEntryIn(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(None, pattern=PHONE)
    community: str | None = Field(None, max_length=100, examples=["水城花园"])
    building: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    reason: str = Field(min_length=1, max_length=100, examples=["独居老人", "残疾人"])
    note: str = Field("", max_length=1000)
    grid: str | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _findable(self) -> Self:
        if not self.phone and not (self.community and self.building):
            raise ValueError("give a phone, or a community and building, to recognise orders by")
        return self


class Retirement(SourceModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, examples=["已搬离", "已故"])


class CareEntryView(BaseModel):
    id: int
    name: str
    phone: str | None
    community: str | None
    building: str | None
    unit: str | None
    room: str | None
    reason: str
    note: str
    grid: str | None
    added_by: str
    added_at: str
    updated_at: str | None
    retired_at: str | None
    retired_reason: str | None


class CareList(BaseModel):
    items: list[CareEntryView]


@dataclass
class CareContext:
    runtime: ServiceRuntime


def _view(row: CareEntryRow) -> CareEntryView:
    return CareEntryView(
        id=row.id,
        name=mask_phone(row.name),
        phone=mask_phone(row.phone) if row.phone else None,
        community=_masked(row.community),
        building=_masked(row.building),
        unit=_masked(row.unit),
        room=_masked(row.room),
        reason=mask_phone(row.reason),
        note=mask_phone(row.note),
        grid=row.grid,
        added_by=row.added_by,
        added_at=to_local(row.added_at).isoformat(),
        updated_at=to_local(row.updated_at).isoformat() if row.updated_at else None,
        retired_at=to_local(row.retired_at).isoformat() if row.retired_at else None,
        retired_reason=_masked(row.retired_reason),
    )


def _masked(text: str | None) -> str | None:
    return mask_phone(text) if text else text


def _fill(row: CareEntryRow, entry: CareEntryIn) -> None:
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


def build_care_router(ctx: CareContext) -> APIRouter:
    router = APIRouter(prefix="/v1/care-register", tags=["care register"])
    workers = require("department", "head")
    heads = require("head")

    @router.post("", status_code=201, response_model=CareEntryView, summary="Register a household")
    async def add(entry: CareEntryIn, who: Annotated[Principal, Depends(workers)]) -> CareEntryView:
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            row = CareEntryRow(added_by=_who(who), added_at=now)
            _fill(row, entry)
            CareRepository(session).add(row)
            await session.flush()
            return _view(row)

    @router.put("/{entry_id}", response_model=CareEntryView, summary="Correct an entry")
    async def update(
        entry_id: EntryId, entry: CareEntryIn, who: Annotated[Principal, Depends(workers)]
    ) -> CareEntryView:
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            row = await _active(CareRepository(session), entry_id)
            _fill(row, entry)
            row.updated_by = _who(who)
            row.updated_at = now
            await session.flush()
            return _view(row)

    @router.post(
        "/{entry_id}/retire",
        response_model=CareEntryView,
        summary="Retire an entry (moved away, deceased); it stays listed as retired",
    )
    async def retire(
        entry_id: EntryId, body: Retirement, who: Annotated[Principal, Depends(workers)]
    ) -> CareEntryView:
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            row = await _active(CareRepository(session), entry_id)
            row.retired_at = now
            row.retired_by = _who(who)
            row.retired_reason = body.reason
            await session.flush()
            return _view(row)

    @router.get("", response_model=CareList, summary="The register, for department heads")
    async def listing(
        _who: Annotated[Principal, Depends(heads)],
        include_retired: bool = False,
        grid: QueryKey = None,
    ) -> CareList:
        async with ctx.runtime.db.transaction() as session:
            rows = await CareRepository(session).listing(include_retired, grid)
            return CareList(items=[_view(r) for r in rows])

    return router


async def _active(repo: CareRepository, entry_id: int) -> CareEntryRow:
    row = await repo.get(entry_id)
    if row is None:
        raise ApiError(404, "not_found", f"no register entry {entry_id}", "entry_id")
    if row.retired_at is not None:
        raise ApiError(409, "retired", f"entry {entry_id} was retired", "entry_id")
    return row


def _who(who: Principal) -> str:
    return (who.subject or who.role)[:60]
