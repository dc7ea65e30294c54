"""Looking orders up the way a 96568 operator is asked: by phone (or its last 4+ digits), any
part of the address as printed, words of the content, 12345 number or order id, closed orders
too, newest first; and, before a call is entered, the open orders at the same address or from
the same phone ("该地址已有在办工单 GL-…"). Read-only.

The address and content are read from the stored order's JSON with LIKE (wildcards in what was
typed are escaped), on SQLite and PostgreSQL alike: no index serves a substring, so the query
walks ``received_at``'s index newest first and stops at the limit."""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.intake.domain.access import caller_identity
from services.intake.schemas import FoundOrder
from services.intake.store import OrderRow
from shared.auth import Principal
from shared.clock import to_local
from shared.organisation import community_key

CLOSED_STATES = ("resolved", "replied")
_PHONE = re.compile(r"^\+?\d{7,15}$")
_TAIL = re.compile(r"^\d{4,15}$")  # a phone's last digits, as a caller reads them out


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_conditions(q: str) -> list[ColumnElement[bool]]:
    """Any part of the address as printed; every word of the content."""
    address = OrderRow.canonical[("address", "text")].as_string()
    content = OrderRow.canonical["content"].as_string()
    words = q.split()[:8]
    found = [address.like(_like("".join(words)), escape="\\")]
    found.append(and_(*(content.like(_like(w), escape="\\") for w in words)))
    return found


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
        if _TAIL.match(q):
            found.append(OrderRow.caller_phone.like(f"%{q}"))
        else:
            found += [OrderRow.community_key == community_key(q), OrderRow.caller_name == q]
            found += _text_conditions(q)
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
        holder_id=row.assignee_id,
        account_no=canonical.get("account_no"),
        special_care=bool(row.special_care),
    )
