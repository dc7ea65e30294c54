"""The monthly report's order counts over HTTP (``queries/reports.py``)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.intake.api.state import Runtime
from services.intake.queries.reports import order_counts
from services.intake.schemas import OrderCounts
from shared.auth import Principal
from shared.http import require
from shared.params import MONTH_PATTERN

router = APIRouter(prefix="/v1/reports", tags=["reports"])
# Operators take calls; the report is for heads, the office and the duty room.
Reader = Annotated[Principal, Depends(require("head", "ops", "department"))]


@router.get("/orders", response_model=OrderCounts, summary="月报：按类别、小区、网格统计工单")
async def orders_by_month(
    who: Reader,
    runtime: Runtime,
    month: Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM，北京时间")],
    months: Annotated[int, Query(ge=1, le=12, description="含本月在内的月数")] = 3,
) -> OrderCounts:
    """Orders received each month by category, community key and grid, newest month first; a
    department or head counts the orders its department handles."""
    async with runtime.db.snapshot() as session:
        return await order_counts(session, who, month, months)
