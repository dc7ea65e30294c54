"""月报: orders received in a month (Beijing time) counted by category, community and grid, for
that month and the ones before it, so a report can show the change and what keeps coming back.
A department or its head counts the orders it handles; the office and ops count all."""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.schemas import MonthOrders, OrderCount, OrderCounts
from services.intake.store import OrderRow
from shared.auth import Principal
from shared.clock import LOCAL_TZ


def previous_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The month from Beijing midnight on the 1st to the next 1st, in UTC as stored."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def counted_department(who: Principal) -> str | None:
    return who.department if who.is_any("department", "head") else None


async def _month(session: AsyncSession, month: str, department: str | None) -> MonthOrders:
    start, end = month_bounds(month)
    query = (
        select(OrderRow.category, OrderRow.community_key, OrderRow.grid, func.count())
        .where(OrderRow.received_at >= start, OrderRow.received_at < end)
        .group_by(OrderRow.category, OrderRow.community_key, OrderRow.grid)
    )
    if department is not None:
        query = query.where(OrderRow.handling_department == department)
    counts = [
        OrderCount(category=category, community=community or "", grid=grid or "", count=n)
        for category, community, grid, n in (await session.execute(query)).all()
    ]
    counts.sort(key=lambda c: (-c.count, c.category, c.community, c.grid))
    return MonthOrders(month=month, total=sum(c.count for c in counts), counts=counts)


async def order_counts(
    session: AsyncSession, who: Principal, month: str, months: int
) -> OrderCounts:
    """``months`` months ending with ``month``, newest first."""
    department = counted_department(who)
    wanted = [month]
    while len(wanted) < months:
        wanted.append(previous_month(wanted[-1]))
    return OrderCounts(
        department=department, months=[await _month(session, m, department) for m in wanted]
    )
