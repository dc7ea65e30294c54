"""Coverage readiness over HTTP and on a loop: the findings of ``coverage`` for the heads (their
own department; ops all), and a gauge per department and kind for the dashboard and alerts."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from prometheus_client import Gauge
from pydantic import BaseModel
from sqlalchemy import func, select

from services.router.api import RouterContext
from services.router.domain.coverage import KIND_LABELS, Finding, findings
from services.router.handlers import current_roster
from services.router.store import RosterAudit
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, QueryKey, require
from shared.logging import get_logger

log = get_logger(__name__)

COVERAGE_FINDINGS = Gauge(
    "gridline_router_coverage_findings",
    "Coverage problems found in the days ahead (duty gaps, grids with A and B away, heads "
    "without a stand-in, duty people without a contact channel)",
    ["department", "kind"],
)


class FindingView(BaseModel):
    kind: str
    kind_label: str
    department: str
    subject: str
    start: datetime
    end: datetime
    detail: str

    @classmethod
    def of(cls, f: Finding) -> "FindingView":
        return cls(
            kind=f.kind,
            kind_label=KIND_LABELS[f.kind],
            department=f.department,
            subject=f.subject,
            start=to_local(f.start),
            end=to_local(f.end),
            detail=f.detail,
        )


async def current_findings(ctx: RouterContext, days: int) -> list[Finding]:
    async with ctx.runtime.db.snapshot() as session:
        roster = await current_roster(session, ctx.deps)
    return findings(roster, ctx.runtime.clock.now(), days)


def publish_gauge(ctx: RouterContext, found: list[Finding]) -> None:
    for d in ctx.deps.org.departments:
        for kind in KIND_LABELS:
            count = sum(1 for f in found if (f.department, f.kind) == (d.code, kind))
            COVERAGE_FINDINGS.labels(d.code, kind).set(count)


async def _last_change(ctx: RouterContext) -> int | None:
    async with ctx.runtime.db.snapshot() as session:
        return await session.scalar(select(func.max(RosterAudit.id)))


def coverage_loop(
    ctx: RouterContext, seconds: float, days: int, poll_seconds: float = 2.0
) -> Callable[[], Awaitable[None]]:
    """Every ``seconds``, and within ``poll_seconds`` of a roster or leave change (the audit
    grows with each); the organisation file is read at start, so a change to it is seen then."""

    async def loop() -> None:
        seen: set[tuple[str, str, datetime]] = set()
        checked_at: datetime | None = None
        last: int | None = -1
        while True:
            try:
                now, change = ctx.runtime.clock.now(), await _last_change(ctx)
                due = checked_at is None or (now - checked_at).total_seconds() >= seconds
                if due or change != last:
                    found = await current_findings(ctx, days)
                    publish_gauge(ctx, found)
                    for f in found:
                        if (f.kind, f.subject, f.start) not in seen:
                            log.warning("coverage_finding", kind=f.kind, subject=f.subject)
                    seen = {(f.kind, f.subject, f.start) for f in found}
                    checked_at, last = now, change
            except Exception as exc:  # the database is away: try again next round
                log.warning("coverage_check_failed", error=repr(exc))
            await asyncio.sleep(poll_seconds)

    return loop


def build_coverage_router(ctx: RouterContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    Reader = Annotated[Principal, Depends(require("head", "ops"))]

    @router.get(
        "/coverage", response_model=list[FindingView], summary="值班与A/B岗覆盖检查（未来几天）"
    )
    async def coverage(
        who: Reader,
        department: QueryKey = None,
        days: Annotated[int, Query(ge=1, le=31)] = 7,
    ) -> list[FindingView]:
        if who.department is not None:
            if department is not None and department != who.department:
                raise ApiError(
                    403, "forbidden", f"{who.role} 不能查看其他部门的值班覆盖", "department"
                )
            department = who.department
        found = await current_findings(ctx, days)
        return [
            FindingView.of(f) for f in found if department is None or f.department == department
        ]

    return router
