"""Looking orders up over HTTP, the way a 96568 operator is asked (``queries/search.py``)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.intake.api.state import Runtime
from services.intake.queries.search import Wanted, find
from services.intake.schemas import FoundOrders
from shared.auth import Principal
from shared.http import ApiError, require
from shared.params import Limit

router = APIRouter(prefix="/v1/search", tags=["search"])
Reader = Annotated[Principal, Depends(require("operator", "ops", "department", "head"))]


@router.get(
    "/orders", response_model=FoundOrders, summary="查询工单：电话、地址、12345编号、工单号"
)
async def search_orders(
    who: Reader,
    runtime: Runtime,
    q: Annotated[str, Query(max_length=100, description="电话、小区、12345编号或工单号")] = "",
    phone: Annotated[str, Query(max_length=32)] = "",
    community: Annotated[str, Query(max_length=100)] = "",
    building: Annotated[str, Query(max_length=20)] = "",
    source: Annotated[str, Query(pattern="^(|12345|96568|grid_report)$")] = "",
    department: Annotated[str, Query(max_length=40, description="承办部门")] = "",
    ids: Annotated[
        str, Query(max_length=4200, description="Comma-separated order ids (up to 200)")
    ] = "",
    open_only: bool = False,
    limit: Limit = 50,
) -> FoundOrders:
    """With phone/community: the orders at that address or from that phone (``matched_by``
    says which); with ``source`` or ``department`` alone: the latest of those orders. A
    department sees its own department's list only."""
    if who.is_any("department", "head"):
        if department and who.department != department:
            raise ApiError(403, "forbidden", f"{who.role} 只能查询本部门的工单", "department")
        # A department sees its own orders only, whatever it searched by (a phone or an
        # address otherwise listed every department's orders at it).
        department = who.department or ""
    order_ids = tuple(i for i in ids.split(",") if i)[:200]
    wanted = Wanted(q, phone, community, building, source, open_only, department, order_ids)
    async with runtime.db.snapshot() as session:
        return FoundOrders(items=await find(session, who, wanted, limit))
