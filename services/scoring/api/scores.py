"""Scoring's HTTP endpoints: the month's table, ledgers, heads' entries, closing, downloads.

Reads run the ``queries`` in one snapshot; writes hand a command to the bus (``handlers.COMMANDS``)
and answer from what it committed. The runtime, the bus and the deps come from ``app.state``.
"""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from services.scoring import exports, queries
from services.scoring.api import files
from services.scoring.config import MONTH_PATTERN, Rule, ScoringDeps
from services.scoring.domain.grid_workers import worker, workers_seen_by
from services.scoring.handlers import (
    CloseMonth,
    ConfirmCandidate,
    CorrectEntry,
    DismissCandidate,
    EnterPoints,
)
from services.scoring.schemas import (
    CandidateView,
    ClosingView,
    ConfirmRequest,
    CorrectionRequest,
    DismissRequest,
    EntryRequest,
    EntryView,
    LedgerView,
    MonthCounts,
    MonthView,
    PeriodView,
)
from shared import state
from shared.auth import Principal
from shared.contracts import MonthClosed
from shared.http import ApiError, principal, require
from shared.params import PathKey
from shared.refusals import Invalid
from shared.runtime import ServiceRuntime
from shared.state import Runtime

MONTH = re.compile(MONTH_PATTERN)
MONTH_FILE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))(?:\.(xlsx|csv))?$")
QUARTER_FILE = re.compile(r"^(\d{4}-Q[1-4])(?:\.(xlsx|csv))?$")
YEAR_FILE = re.compile(r"^(\d{4})(?:\.(xlsx|csv))?$")
# With .xlsx or .csv after the period the answer is the file, not JSON.
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {"content": {files.XLSX: {}, "text/csv": {}}, "description": "JSON, or the file asked for"}
}


Deps = state.Deps[ScoringDeps]
Bus = state.Bus[ScoringDeps]
Reader = Annotated[Principal, Depends(principal)]
Head = Annotated[Principal, Depends(require("head"))]
Office = Annotated[Principal, Depends(require("ops"))]

router = APIRouter(prefix="/v1")


# What each period in a path looks like, said to the person who typed it.
_EXPECTED = {
    "month": "月份应为年月，如 2026-03（下载加 .xlsx 或 .csv）",
    "quarter": "季度应如 2026-Q1（下载加 .xlsx 或 .csv）",
    "year": "年份应为四位数字，如 2026（下载加 .xlsx 或 .csv）",
}


def _parse(pattern: re.Pattern[str], value: str, field: str) -> tuple[str, str | None]:
    match = pattern.match(value)
    if match is None:
        raise Invalid(f"{_EXPECTED[field]}，收到 {value}", field)
    return match.group(1), match.group(2)


@router.get("/counts/{month}", response_model=MonthCounts, summary="Each worker's counts")
async def counts(month: PathKey, _who: Reader, runtime: Runtime) -> MonthCounts:
    if not MONTH.match(month):
        raise Invalid("月份应为年月，如 2026-03", "month")
    async with runtime.db.snapshot() as session:
        return await queries.month_counts(session, month)


@router.get("/rules", response_model=list[Rule], summary="The Art. 18 rules in force")
async def rules(
    _who: Reader, month: Annotated[str, Query(pattern=MONTH_PATTERN)], deps: Deps
) -> list[Rule]:
    return deps.book.in_force(month)


@router.get(
    "/scores/{month}",
    response_model=MonthView,
    summary="月度得分 YYYY-MM (add .xlsx or .csv to download)",
    responses=DOWNLOADS,
)
async def scores(month: PathKey, who: Reader, runtime: Runtime, deps: Deps) -> MonthView | Response:
    month, kind = _parse(MONTH_FILE, month, "month")
    async with runtime.db.snapshot() as session:
        view, entries = await queries.month_view(session, deps.book, deps.org, month)
    if kind is None:
        return view
    sheets = files.month_file(who, deps, view, entries)
    data = exports.to_xlsx(sheets) if kind == "xlsx" else exports.to_csv(sheets[0])
    return files.download(data, f"scores-{month}", kind)


@router.get("/workers/{worker_id}/ledger", response_model=LedgerView, summary="考核明细")
async def ledger(
    worker_id: PathKey,
    who: Reader,
    runtime: Runtime,
    deps: Deps,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
) -> LedgerView:
    target = worker(deps.org, worker_id)
    if not files.may_read_ledger(who, target.department if target else None):
        raise ApiError(403, "forbidden", f"{who.role} 无权查看 {worker_id} 的考核明细", "worker_id")
    if target is None:
        raise ApiError(404, "not_found", f"没有网格员 {worker_id}", "worker_id")
    async with runtime.db.snapshot() as session:
        return await queries.ledger_view(
            session, deps.book, deps.org, worker_id, month, runtime.clock.now()
        )


async def _written_entry(runtime: ServiceRuntime, deps: ScoringDeps, entry_id: str) -> EntryView:
    async with runtime.db.snapshot() as session:
        return await queries.entry(session, deps.book, entry_id)


@router.post(
    "/workers/{worker_id}/entries",
    response_model=EntryView,
    status_code=201,
    summary="A head enters a manual Art. 18 item for their own department's worker",
)
async def enter(
    worker_id: PathKey, body: EntryRequest, who: Head, runtime: Runtime, deps: Deps, bus: Bus
) -> EntryView:
    command = EnterPoints(who, worker_id, body.rule, body.reason, body.evidence, body.month)
    done = await bus.handle(command)
    return await _written_entry(runtime, deps, done.answer)


@router.post(
    "/workers/{worker_id}/entries/{entry_id}/corrections",
    response_model=EntryView,
    status_code=201,
    summary="A correction: a new entry that takes back an earlier one",
)
async def correct(
    worker_id: PathKey,
    entry_id: PathKey,
    body: CorrectionRequest,
    who: Head,
    runtime: Runtime,
    deps: Deps,
    bus: Bus,
) -> EntryView:
    done = await bus.handle(CorrectEntry(who, worker_id, entry_id, body.reason))
    return await _written_entry(runtime, deps, done.answer)


@router.post(
    "/months/{month}/close",
    response_model=ClosingView,
    status_code=201,
    summary="结算: rank the counts, freeze the month's scores",
)
async def close(month: PathKey, who: Office, bus: Bus) -> ClosingView:
    if not MONTH.match(month):
        raise Invalid("月份应为年月，如 2026-03", "month")
    event: MonthClosed = (await bus.handle(CloseMonth(who, month))).answer
    return ClosingView(
        month=month, event_id=str(event.event_id), closed_at=event.occurred_at.isoformat()
    )


@router.get(
    "/candidates",
    response_model=list[CandidateView],
    summary="待确认扣分: deductions an event proposed (COMM_UNREACHABLE…), for the head",
)
async def candidates(
    who: Head,
    runtime: Runtime,
    deps: Deps,
    state: Annotated[str | None, Query(pattern="^(pending|confirmed|dismissed)$")] = "pending",
) -> list[CandidateView]:
    async with runtime.db.snapshot() as session:
        return await queries.candidates(session, deps.book, workers_seen_by(deps.org, who), state)


@router.post(
    "/candidates/{candidate_id}/confirm",
    response_model=CandidateView,
    summary="The head confirms: the deduction becomes a ledger entry",
)
async def confirm(
    candidate_id: PathKey, body: ConfirmRequest, who: Head, deps: Deps, bus: Bus
) -> CandidateView:
    done = await bus.handle(ConfirmCandidate(who, candidate_id, body.note))
    return queries.candidate_view(done.answer, workers_seen_by(deps.org, who), deps.book)


@router.post(
    "/candidates/{candidate_id}/dismiss",
    response_model=CandidateView,
    summary="The head dismisses it, with the reason: nothing is deducted",
)
async def dismiss(
    candidate_id: PathKey, body: DismissRequest, who: Head, deps: Deps, bus: Bus
) -> CandidateView:
    done = await bus.handle(DismissCandidate(who, candidate_id, body.reason))
    return queries.candidate_view(done.answer, workers_seen_by(deps.org, who), deps.book)


@router.get(
    "/quarters/{quarter}",
    response_model=PeriodView,
    summary="星级网格员 YYYY-Qn",
    responses=DOWNLOADS,
)
async def quarter(
    quarter: PathKey, who: Reader, runtime: Runtime, deps: Deps
) -> PeriodView | Response:
    quarter, kind = _parse(QUARTER_FILE, quarter, "quarter")
    async with runtime.db.snapshot() as session:
        view = await queries.quarter_view(session, deps.book, deps.org, quarter)
    if kind is None:
        return view
    sheet = files.period_file(who, deps, view, f"{quarter} 季度考核")
    data = exports.to_xlsx([sheet]) if kind == "xlsx" else exports.to_csv(sheet)
    return files.download(data, f"quarter-{quarter}", kind)


@router.get(
    "/years/{year}",
    response_model=PeriodView,
    summary="年度最佳与不合格 YYYY",
    responses=DOWNLOADS,
)
async def year(year: PathKey, who: Reader, runtime: Runtime, deps: Deps) -> PeriodView | Response:
    year, kind = _parse(YEAR_FILE, year, "year")
    async with runtime.db.snapshot() as session:
        view = await queries.year_view(session, deps.book, deps.org, year)
    if kind is None:
        return view
    sheet = files.period_file(who, deps, view, f"{year} 年度考核")
    data = exports.to_xlsx([sheet]) if kind == "xlsx" else exports.to_csv(sheet)
    return files.download(data, f"year-{year}", kind)
