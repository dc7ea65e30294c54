"""Read-only queries behind notify's HTTP views."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.store import DeliveryRow, LocalMessageRow


async def messages(
    session: AsyncSession,
    person_id: str | None,
    order_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[LocalMessageRow], int]:
    query = select(LocalMessageRow)
    if person_id:
        query = query.where(LocalMessageRow.person_id == person_id)
    if order_id:
        query = query.where(LocalMessageRow.order_id == order_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(LocalMessageRow.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total or 0)


async def deliveries_of(session: AsyncSession, order_id: str) -> list[DeliveryRow]:
    rows = await session.scalars(
        select(DeliveryRow).where(DeliveryRow.order_id == order_id).order_by(DeliveryRow.id)
    )
    return list(rows)
