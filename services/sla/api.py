"""The SLA service's HTTP endpoints: numbers people run the service by."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from services.sla.store import DeadlineRepository
from shared.auth import Principal
from shared.http import principal
from shared.runtime import ServiceRuntime


class Overview(BaseModel):
    open_deadlines: dict[str, int]
    fired_deadlines: dict[str, int]


@dataclass
class SlaContext:
    runtime: ServiceRuntime


def build_router(ctx: SlaContext) -> APIRouter:
    router = APIRouter(prefix="/v1/sla")

    @router.get("/overview", response_model=Overview)
    async def overview(_who: Annotated[Principal, Depends(principal)]) -> Overview:
        async with ctx.runtime.db.transaction() as session:
            repo = DeadlineRepository(session)
            return Overview(
                open_deadlines=await repo.open_counts(), fired_deadlines=await repo.fired_counts()
            )

    return router
