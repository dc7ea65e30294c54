"""Looking orders up the way a 96568 operator is asked: by phone, address, 12345 number or order
id; and, before a call is entered, the open orders at the same address or from the same phone
("该地址已有在办工单 GL-…"). Read-only."""

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.intake.store import OrderRow
from services.intake.views import caller_identity
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, require
from shared.organisation import community_key
from shared.runtime import ServiceRuntime

CLOSED_STATES = ("resolved", "replied")
_PHONE = re.compile(r"^\+?\d{7,15}$")


class FoundOrder(BaseModel):
    order_id: str
    source: str
    source_ref: str
    category: str
    category_label: str
    state: str
    open: bool
    received_at: str
    caller_name: str | None
    caller_phone: str | None
    address: str
    community: str | None
    building: str | None
    grid: str | None
    handling_department: str | None
    matched_by: list[str]


class FoundOrders(BaseModel):
    items: list[FoundOrder]


@dataclass(frozen=True)
class Wanted:
    q: str = ""
    phone: str = ""
    community: str = ""
    building: str = ""
    source: str = ""
    open_only: bool = False
    department: str = ""
    order_ids: tuple[str, ...] = ()


def _conditions(wanted: Wanted) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    q = wanted.q.strip()
    if q:
        found += [OrderRow.order_id == q.upper(), OrderRow.source_ref == q]
        if _PHONE.match(q):
            found.append(OrderRow.caller_phone == q)
        else:
            found += [OrderRow.community_key == community_key(q), OrderRow.caller_name == q]
    if wanted.phone.strip():
        found.append(OrderRow.caller_phone == wanted.phone.strip())
    if wanted.community.strip():
        found.append(OrderRow.community_key == community_key(wanted.community))
    return found


def _why(row: OrderRow, wanted: Wanted) -> list[str]:
    address = row.canonical.get("address") or {}
    reasons = []
    if wanted.phone.strip() and row.caller_phone == wanted.phone.strip():
        reasons.append("phone")
    if wanted.community.strip() and row.community_key == community_key(wanted.community):
        same_building = not wanted.building or address.get("building") == wanted.building
        reasons.append("address" if same_building else "community")
    if wanted.q.strip():
        reasons.append("query")
    return reasons


async def find(
    session: AsyncSession, who: Principal, wanted: Wanted, limit: int
) -> list[FoundOrder]:
    conditions = _conditions(wanted)
    query = select(OrderRow).options(defer(OrderRow.raw))  # the source's payload is not shown
    if wanted.source:
        query = query.where(OrderRow.source == wanted.source)
    if wanted.department:
        query = query.where(OrderRow.handling_department == wanted.department)
    if wanted.order_ids:
        query = query.where(OrderRow.order_id.in_(wanted.order_ids))
    if conditions:
        query = query.where(or_(*conditions))
    elif not (wanted.source or wanted.department or wanted.order_ids):
        return []
    if wanted.open_only:
        query = query.where(OrderRow.state.not_in(CLOSED_STATES))
    rows = await session.scalars(query.order_by(OrderRow.received_at.desc()).limit(limit))
    return [_found(row, who, _why(row, wanted)) for row in rows]


def _found(row: OrderRow, who: Principal, why: list[str]) -> FoundOrder:
    canonical: dict[str, Any] = row.canonical
    address = canonical.get("address") or {}
    name, phone = caller_identity(who, row)
    return FoundOrder(
        order_id=row.order_id,
        source=row.source,
        source_ref=row.source_ref,
        category=row.category,
        category_label=str(canonical.get("category_label", row.category)),
        state=row.state,
        open=row.state not in CLOSED_STATES,
        received_at=to_local(row.received_at).isoformat(),
        caller_name=name,
        caller_phone=phone,
        address=str(address.get("text") or ""),
        community=address.get("community"),
        building=address.get("building"),
        grid=row.grid,
        handling_department=row.handling_department,
        matched_by=why,
    )


def build_search_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(prefix="/v1/search", tags=["search"])
    Reader = Annotated[Principal, Depends(require("operator", "ops", "department", "head"))]

    @router.get(
        "/orders", response_model=FoundOrders, summary="查询工单：电话、地址、12345编号、工单号"
    )
    async def search_orders(
        who: Reader,
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
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> FoundOrders:
        """With phone/community: the orders at that address or from that phone (``matched_by``
        says which); with ``source`` or ``department`` alone: the latest of those orders. A
        department sees its own department's list only."""
        if department and who.is_any("department", "head") and who.department != department:
            raise ApiError(403, "forbidden", f"{who.role} may not list {department}", "department")
        order_ids = tuple(i for i in ids.split(",") if i)[:200]
        wanted = Wanted(q, phone, community, building, source, open_only, department, order_ids)
        async with runtime.db.snapshot() as session:
            return FoundOrders(items=await find(session, who, wanted, limit))

    return router
