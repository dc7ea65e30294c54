"""The duty room's read over HTTP: ops (and admin) see every department's escalated orders
and the holder and step of any order they name."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.router.api.context import Runtime
from services.router.duty import DutyOrder, duty_orders
from shared.auth import Principal
from shared.http import require
from shared.params import KeyList, Limit

router = APIRouter(prefix="/v1")
Ops = Annotated[Principal, Depends(require("ops"))]


@router.get("/duty/orders", response_model=list[DutyOrder], summary="值班室：升级中的工单与承办人")
async def orders(
    who: Ops,
    runtime: Runtime,
    order_id: KeyList = [],  # noqa: B006 (FastAPI copies)
    limit: Limit = 200,
) -> list[DutyOrder]:
    async with runtime.db.snapshot() as session:
        return await duty_orders(session, set(order_id), limit)
