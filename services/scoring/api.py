"""Scoring's HTTP endpoints: the month's table, ledgers, heads' entries, closing, downloads."""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from services.scoring import exports, reports
from services.scoring.candidates import Candidates, CandidateView
from services.scoring.operations import Scoring
from services.scoring.reports import EntryView, LedgerView, MonthView, PeriodView
from services.scoring.rules import MONTH_PATTERN, Rule
from services.scoring.store import CountRepository
from shared.auth import Principal
from shared.http import ApiError, principal, require

MONTH = re.compile(MONTH_PATTERN)
MONTH_FILE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))(?:\.(xlsx|csv))?$")
QUARTER_FILE = re.compile(r"^(\d{4}-Q[1-4])(?:\.(xlsx|csv))?$")
YEAR_FILE = re.compile(r"^(\d{4})(?:\.(xlsx|csv))?$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MonthCounts(BaseModel):
    month: str
    workers: dict[str, dict[str, int]]


class EntryRequest(BaseModel):
    rule: str = Field(examples=["PENNANT"])
    reason: str = Field(min_length=1, examples=["用户赠送锦旗"])
    evidence: str | None = Field(None, examples=["照片 IMG_0312"])
    month: str | None = Field(None, pattern=MONTH_PATTERN, description="Default: this month")


class CorrectionRequest(BaseModel):
    reason: str = Field(min_length=1)


class DismissRequest(BaseModel):
    reason: str = Field(min_length=1, examples=["当时基站故障，非本人原因"])


class ConfirmRequest(BaseModel):
    note: str = Field("", examples=["电话无人接听，已核实"])


class ClosingView(BaseModel):
    month: str
    event_id: str
    closed_at: str


@dataclass
class ScoringContext:
    scoring: Scoring

    @property
    def candidates(self) -> Candidates:
        return Candidates(self.scoring)


def _parse(pattern: re.Pattern[str], value: str, field: str) -> tuple[str, str | None]:
    match = pattern.match(value)
    if match is None:
        raise ApiError(422, "invalid", f"{field} not understood: {value}", field)
    return match.group(1), match.group(2)


def _download(data: bytes, name: str, kind: str) -> Response:
    media = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


def build_router(ctx: ScoringContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    s = ctx.scoring
    Reader = Annotated[Principal, Depends(principal)]
    Head = Annotated[Principal, Depends(require("head"))]
    Office = Annotated[Principal, Depends(require("ops"))]

    @router.get("/counts/{month}", response_model=MonthCounts, summary="Each worker's counts")
    async def counts(month: str, _who: Reader) -> MonthCounts:
        if not MONTH.match(month):
            raise ApiError(422, "invalid", "month must be YYYY-MM", "month")
        async with s.runtime.db.transaction() as session:
            return MonthCounts(month=month, workers=await CountRepository(session).for_month(month))

    @router.get("/rules", response_model=list[Rule], summary="The Art. 18 rules in force")
    async def rules(
        _who: Reader, month: Annotated[str, Query(pattern=MONTH_PATTERN)]
    ) -> list[Rule]:
        return s.book.in_force(month)

    @router.get(
        "/scores/{month}",
        response_model=MonthView,
        summary="月度得分 YYYY-MM (add .xlsx or .csv to download)",
    )
    async def scores(month: str, _who: Reader) -> MonthView | Response:
        month, kind = _parse(MONTH_FILE, month, "month")
        async with s.runtime.db.transaction() as session:
            view, entries = await reports.month_view(session, s.book, s.org, month)
        if kind is None:
            return view
        sheets = exports.month_sheets(view, entries, s.book)
        data = exports.to_xlsx(sheets) if kind == "xlsx" else exports.to_csv(sheets[0])
        return _download(data, f"scores-{month}", kind)

    @router.get("/workers/{worker_id}/ledger", response_model=LedgerView, summary="考核明细")
    async def ledger(
        worker_id: str,
        _who: Reader,
        month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    ) -> LedgerView:
        async with s.runtime.db.transaction() as session:
            return await reports.ledger_view(session, s.book, worker_id, month)

    @router.post(
        "/workers/{worker_id}/entries",
        response_model=EntryView,
        status_code=201,
        summary="A head enters a manual Art. 18 item for their own department's worker",
    )
    async def enter(worker_id: str, body: EntryRequest, who: Head) -> EntryView:
        entry = await s.enter(who, worker_id, body.rule, body.reason, body.evidence, body.month)
        return reports.entry_view(entry, s.book, None)

    @router.post(
        "/workers/{worker_id}/entries/{entry_id}/corrections",
        response_model=EntryView,
        status_code=201,
        summary="A correction: a new entry that takes back an earlier one",
    )
    async def correct(
        worker_id: str, entry_id: str, body: CorrectionRequest, who: Head
    ) -> EntryView:
        entry = await s.correct(who, worker_id, entry_id, body.reason)
        return reports.entry_view(entry, s.book, None)

    @router.post(
        "/months/{month}/close",
        response_model=ClosingView,
        status_code=201,
        summary="结算: rank the counts, freeze the month's scores",
    )
    async def close(month: str, who: Office) -> ClosingView:
        if not MONTH.match(month):
            raise ApiError(422, "invalid", "month must be YYYY-MM", "month")
        event = await s.close(who, month)
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
        state: Annotated[str | None, Query(pattern="^(pending|confirmed|dismissed)$")] = "pending",
    ) -> list[CandidateView]:
        return await ctx.candidates.listed(who, state)

    @router.post(
        "/candidates/{candidate_id}/confirm",
        response_model=CandidateView,
        summary="The head confirms: the deduction becomes a ledger entry",
    )
    async def confirm(candidate_id: str, body: ConfirmRequest, who: Head) -> CandidateView:
        return await ctx.candidates.confirm(who, candidate_id, body.note)

    @router.post(
        "/candidates/{candidate_id}/dismiss",
        response_model=CandidateView,
        summary="The head dismisses it, with the reason: nothing is deducted",
    )
    async def dismiss(candidate_id: str, body: DismissRequest, who: Head) -> CandidateView:
        return await ctx.candidates.dismiss(who, candidate_id, body.reason)

    @router.get("/quarters/{quarter}", response_model=PeriodView, summary="星级网格员 YYYY-Qn")
    async def quarter(quarter: str, _who: Reader) -> PeriodView | Response:
        quarter, kind = _parse(QUARTER_FILE, quarter, "quarter")
        async with s.runtime.db.transaction() as session:
            view = await reports.quarter_view(session, s.book, s.org, quarter)
        if kind is None:
            return view
        sheet = exports.period_sheet(view, f"{quarter} 季度考核")
        data = exports.to_xlsx([sheet]) if kind == "xlsx" else exports.to_csv(sheet)
        return _download(data, f"quarter-{quarter}", kind)

    @router.get("/years/{year}", response_model=PeriodView, summary="年度最佳与不合格 YYYY")
    async def year(year: str, _who: Reader) -> PeriodView | Response:
        year, kind = _parse(YEAR_FILE, year, "year")
        async with s.runtime.db.transaction() as session:
            view = await reports.year_view(session, s.book, s.org, year)
        if kind is None:
            return view
        sheet = exports.period_sheet(view, f"{year} 年度考核")
        data = exports.to_xlsx([sheet]) if kind == "xlsx" else exports.to_csv(sheet)
        return _download(data, f"year-{year}", kind)

    return router
