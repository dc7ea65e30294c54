"""Scoring's HTTP endpoints: the month's table for department heads and the office."""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from services.scoring.store import CountRepository
from shared.auth import Principal
from shared.http import ApiError, principal
from shared.runtime import ServiceRuntime

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MonthCounts(BaseModel):
    month: str
    workers: dict[str, dict[str, int]]


@dataclass
class ScoringContext:
    runtime: ServiceRuntime


def build_router(ctx: ScoringContext) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get(
        "/counts/{month}",
        response_model=MonthCounts,
        summary="Each worker's counts for a month (YYYY-MM)",
    )
    async def counts(month: str, _who: Annotated[Principal, Depends(principal)]) -> MonthCounts:
        if not MONTH.match(month):
            raise ApiError(422, "invalid", "month must be YYYY-MM", "month")
        async with ctx.runtime.db.transaction() as session:
            return MonthCounts(month=month, workers=await CountRepository(session).for_month(month))

    return router
