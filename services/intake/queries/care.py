"""The care register as it is shown: names, phones and places masked (Art. 4.6, 16)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.schemas import CareEntryView, CareList
from services.intake.store import CareEntryRow, CareRepository
from shared.clock import to_local
from shared.masking import mask_phone


async def care_list(session: AsyncSession, include_retired: bool, grid: str | None) -> CareList:
    rows = await CareRepository(session).listing(include_retired, grid)
    return CareList(items=[care_view(r) for r in rows])


def care_view(row: CareEntryRow) -> CareEntryView:
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
