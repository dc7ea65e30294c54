"""Coverage readiness over HTTP: the findings of ``domain/coverage`` for the heads (their own
department; ops all)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.router import queries
from services.router.api.context import Deps, Runtime
from services.router.schemas.roster import FindingView
from shared.auth import Principal
from shared.http import ApiError, require
from shared.params import QueryKey

router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(require("head", "ops"))]


@router.get(
    "/coverage", response_model=list[FindingView], summary="值班与A/B岗覆盖检查（未来几天）"
)
async def coverage(
    who: Reader,
    runtime: Runtime,
    deps: Deps,
    department: QueryKey = None,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> list[FindingView]:
    if who.department is not None:
        if department is not None and department != who.department:
            raise ApiError(403, "forbidden", f"{who.role} 不能查看其他部门的值班覆盖", "department")
        department = who.department
    async with runtime.db.snapshot() as session:
        found = await queries.coverage_findings(session, deps, runtime.clock.now(), days)
    return [FindingView.of(f) for f in found if department is None or f.department == department]
