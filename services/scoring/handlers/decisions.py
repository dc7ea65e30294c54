"""Decisions people take over HTTP: a head's entry or correction, a candidate confirmed or
dismissed, the office closing a month.

Each decision becomes an event on the log (so a replay rebuilds it), applied to the ledger in the
same unit of work and claimed in the inbox under the activity consumer, so that consuming it back
from the log does not apply it twice.
"""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from services.scoring import domain
from services.scoring.config import ScoringDeps
from services.scoring.domain import refusals
from services.scoring.domain.candidates import CONFIRMED, DISMISSED, PENDING, STATE_LABELS, marker
from services.scoring.domain.entries import ManualRequest, manual_rule
from services.scoring.domain.grid_workers import grid_workers, worker, workers_seen_by
from services.scoring.handlers.events import ACTIVITY_CONSUMER, apply_event
from services.scoring.store import (
    CandidateRepository,
    CandidateRow,
    ClosureRepository,
    CountRepository,
    InboxRow,
    LedgerRepository,
)
from shared.auth import Principal
from shared.contracts import (
    Event,
    MonthClosed,
    MonthClosedPayload,
    ScoreEntryRecorded,
    ScoreEntryRecordedPayload,
)
from shared.contracts.envelopes import envelope
from shared.inbox import Inbox
from shared.unit_of_work import UnitOfWork

PRODUCER = "scoring"
OWN_DECISIONS = Inbox(InboxRow)


@dataclass(frozen=True)
class EnterPoints:
    """A head enters a manual Art. 18 item for a worker of their own department; the answer is
    the new entry's id."""

    who: Principal
    worker_id: str
    rule: str
    reason: str
    evidence: str | None
    month: str | None


@dataclass(frozen=True)
class CorrectEntry:
    """A new entry that takes back an earlier one's points (and its flag); answers its id."""

    who: Principal
    worker_id: str
    entry_id: str
    reason: str


@dataclass(frozen=True)
class CloseMonth:
    """The office closes a month: its counts are ranked and frozen; answers the MonthClosed."""

    who: Principal
    month: str


@dataclass(frozen=True)
class ConfirmCandidate:
    """The head confirms a proposed deduction: it becomes a ledger entry; answers the row."""

    who: Principal
    candidate_id: str
    note: str


@dataclass(frozen=True)
class DismissCandidate:
    """The head dismisses a proposed deduction, with the reason; answers the row."""

    who: Principal
    candidate_id: str
    reason: str


def _by(who: Principal) -> str:
    return who.subject or who.role


def _scorable(deps: ScoringDeps, who: Principal, worker_id: str) -> None:
    target = worker(deps.org, worker_id)
    if target is None:
        raise refusals.NoSuchWorker(worker_id)
    if who.kind != "admin" and who.department != target.department:
        raise refusals.OtherDepartment(worker_id, target.department)


async def _decided(
    event: ScoreEntryRecorded | MonthClosed, uow: UnitOfWork, deps: ScoringDeps
) -> list[Event]:
    """A decision applied now, in this unit of work, and claimed under the activity consumer:
    consuming it back from the log (where the outbox puts it) then changes nothing."""
    await OWN_DECISIONS.claim(uow.session, event.event_id, ACTIVITY_CONSUMER, uow.now)
    await apply_event(event, uow.session, deps.book)
    return [event]


def _recorded(worker_id: str, uow: UnitOfWork, **payload: Any) -> tuple[str, ScoreEntryRecorded]:
    event_id = uuid4()
    event = envelope(
        ScoreEntryRecorded,
        worker_id,
        ScoreEntryRecordedPayload(entry_id=str(event_id), **payload),
        uow.now,
        PRODUCER,
        event_id=event_id,
    )
    return str(event_id), event


async def enter_points(command: EnterPoints, uow: UnitOfWork, deps: ScoringDeps) -> list[Event]:
    _scorable(deps, command.who, command.worker_id)
    request = ManualRequest(
        worker_id=command.worker_id,
        month=command.month or domain.month_of(uow.now),
        rule=command.rule,
        reason=command.reason,
        by=_by(command.who),
        evidence=command.evidence,
    )
    rule = manual_rule(request, deps.book)
    uow.answer, event = _recorded(
        command.worker_id,
        uow,
        month=request.month,
        rule=command.rule,
        points=rule.points,
        reason=command.reason,
        evidence=command.evidence,
        by=request.by,
        flag=rule.flag,
    )
    return await _decided(event, uow, deps)


async def correct_entry(command: CorrectEntry, uow: UnitOfWork, deps: ScoringDeps) -> list[Event]:
    _scorable(deps, command.who, command.worker_id)
    if not command.reason.strip():
        raise refusals.ReasonMissing("请填写更正原因")
    # Checked and written in one unit of work: an entry is corrected once.
    ledger = LedgerRepository(uow.session)
    original = await ledger.get(command.entry_id)
    if original is None or original.worker_id != command.worker_id:
        raise refusals.NoSuchEntry(command.worker_id, command.entry_id)
    mine = await ledger.of_worker(command.worker_id, original.month)
    if original.corrects is not None or any(e.corrects == command.entry_id for e in mine):
        raise refusals.AlreadyCorrected()
    uow.answer, event = _recorded(
        command.worker_id,
        uow,
        month=original.month,
        rule=original.rule,
        points=-original.points,
        reason=f"更正：{command.reason}",
        by=_by(command.who),
        corrects=command.entry_id,
    )
    return await _decided(event, uow, deps)


async def close_month(command: CloseMonth, uow: UnitOfWork, deps: ScoringDeps) -> list[Event]:
    month = command.month
    if month >= domain.month_of(uow.now):
        raise refusals.MonthNotOver(month)
    workers = grid_workers(deps.org)
    ranked = set(deps.book.ranking.counts.values())
    if await ClosureRepository(uow.session).get(month) is not None:
        raise refusals.MonthAlreadyClosed(month)
    live = await CountRepository(uow.session).for_month(month)
    counts = {w.id: {c: n for c, n in live.get(w.id, {}).items() if c in ranked} for w in workers}
    event = envelope(
        MonthClosed,
        "*",
        MonthClosedPayload(
            month=month,
            by=_by(command.who),
            counts=counts,
            departments={w.id: w.department for w in workers},
        ),
        uow.now,
        PRODUCER,
    )
    uow.answer = event
    return await _decided(event, uow, deps)


async def _pending(
    uow: UnitOfWork, deps: ScoringDeps, who: Principal, candidate_id: str
) -> CandidateRow:
    row = await CandidateRepository(uow.session).get(candidate_id)
    if row is None or row.worker_id not in workers_seen_by(deps.org, who):
        raise refusals.NoSuchCandidate(candidate_id)
    if row.state != PENDING:
        raise refusals.CandidateDecided(STATE_LABELS.get(row.state, row.state))
    return row


async def confirm_candidate(
    command: ConfirmCandidate, uow: UnitOfWork, deps: ScoringDeps
) -> list[Event]:
    by, note = _by(command.who), command.note
    row = await _pending(uow, deps, command.who, command.candidate_id)
    request = ManualRequest(row.worker_id, row.month, row.rule, row.reason, by)
    rule = manual_rule(request, deps.book)
    entry_id, event = _recorded(
        row.worker_id,
        uow,
        month=row.month,
        rule=row.rule,
        points=rule.points,
        reason=row.reason + (f"；负责人确认：{note}" if note else ""),
        evidence=f"{row.source} {row.source_ref or ''} {marker(row.candidate_id)}",
        by=by,
        flag=rule.flag,
    )
    events = await _decided(event, uow, deps)
    row.state, row.decided_by, row.decided_at = CONFIRMED, by, uow.now
    row.note, row.entry_id = note or None, entry_id
    uow.answer = row
    return events


async def dismiss_candidate(
    command: DismissCandidate, uow: UnitOfWork, deps: ScoringDeps
) -> list[Event]:
    if not command.reason.strip():
        raise refusals.ReasonMissing("请填写驳回原因")
    row = await _pending(uow, deps, command.who, command.candidate_id)
    row.state, row.decided_by, row.decided_at = DISMISSED, _by(command.who), uow.now
    row.note = command.reason
    uow.answer = row
    return []
