"""The vulnerable-household register over HTTP (Art. 4.6, 16): grid workers (department roles)
add, update and retire entries; heads list them. Phones are shown masked."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from services.intake.api.state import Bus, Runtime
from services.intake.handlers.care import (
    AddCareEntry,
    CareDetails,
    CorrectCareEntry,
    RetireCareEntry,
)
from services.intake.queries.care import care_list, care_view
from services.intake.schemas import CareEntryIn, CareEntryView, CareList, Retirement
from shared.auth import Principal
from shared.http import require
from shared.params import QueryKey

router = APIRouter(prefix="/v1/care-register", tags=["care register"])
EntryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Worker = Annotated[Principal, Depends(require("department", "head"))]
Head = Annotated[Principal, Depends(require("head"))]


def _details(entry: CareEntryIn) -> CareDetails:
    return CareDetails(**entry.model_dump())


def _who(who: Principal) -> str:
    return (who.subject or who.role)[:60]


@router.post("", status_code=201, response_model=CareEntryView, summary="Register a household")
async def add(entry: CareEntryIn, who: Worker, bus: Bus) -> CareEntryView:
    done = await bus.handle(AddCareEntry(_details(entry), _who(who)))
    return care_view(done.answer)


@router.put("/{entry_id}", response_model=CareEntryView, summary="Correct an entry")
async def update(entry_id: EntryId, entry: CareEntryIn, who: Worker, bus: Bus) -> CareEntryView:
    done = await bus.handle(CorrectCareEntry(entry_id, _details(entry), _who(who)))
    return care_view(done.answer)


@router.post(
    "/{entry_id}/retire",
    response_model=CareEntryView,
    summary="Retire an entry (moved away, deceased); it stays listed as retired",
)
async def retire(entry_id: EntryId, body: Retirement, who: Worker, bus: Bus) -> CareEntryView:
    done = await bus.handle(RetireCareEntry(entry_id, body.reason, _who(who)))
    return care_view(done.answer)


@router.get("", response_model=CareList, summary="The register, for department heads")
async def listing(
    _who: Head, runtime: Runtime, include_retired: bool = False, grid: QueryKey = None
) -> CareList:
    async with runtime.db.transaction() as session:
        return await care_list(session, include_retired, grid)
