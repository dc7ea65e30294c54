"""The departments' HTTP endpoints: a department sees and acts on its own orders only."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.router.store import RoutingRepository
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, require
from shared.runtime import ServiceRuntime


class InboxItem(BaseModel):
    order_id: str
    category: str
    priority: str
    state: str
    grid: str | None
    assignee_id: str
    chain_position: str
    assignment_id: int
    ack_due: str
    seconds_to_ack: int


class Inbox(BaseModel):
    department: str
    items: list[InboxItem]


@dataclass
class RouterContext:
    runtime: ServiceRuntime


def _department_of(who: Principal, asked: str | None) -> str:
    if who.kind == "admin":
        if not asked:
            raise ApiError(422, "invalid", "admin must name ?department=", "department")
        return asked
    department = who.department
    if department is None:
        raise ApiError(403, "forbidden", "not a department role", "role")
    if asked and asked != department:
        raise ApiError(403, "forbidden", f"{who.role} may not read {asked}'s orders", "department")
    return department


def build_router(ctx: RouterContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    staff = require("department", "head")

    @router.get("/inbox", response_model=Inbox, summary="My department's orders, with time left")
    async def inbox(
        who: Annotated[Principal, Depends(staff)],
        department: str | None = None,
        state: str | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Inbox:
        dept = _department_of(who, department)
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            rows = await RoutingRepository(session).inbox(dept, state, limit, offset)
        return Inbox(
            department=dept,
            items=[
                InboxItem(
                    order_id=r.order_id,
                    category=r.category,
                    priority=r.priority,
                    state=r.state,
                    grid=r.grid,
                    assignee_id=r.assignee_id,
                    chain_position=r.chain_position,
                    assignment_id=r.assignment_id,
                    ack_due=to_local(r.ack_due).isoformat(),
                    seconds_to_ack=_seconds_left(r.ack_due, now),
                )
                for r in rows
            ],
        )

    return router


def _seconds_left(due: datetime, now: datetime) -> int:
    return int((due - now).total_seconds())
