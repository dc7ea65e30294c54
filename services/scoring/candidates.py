"""The head's queue of proposed deductions: list, confirm (it becomes a ledger entry, on the log
as a head's ScoreEntryRecorded), or dismiss. Nothing is deducted until the head confirms."""

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.domain.entries import ManualEntryRefused, ManualRequest, manual_rule
from services.scoring.operations import Scoring
from services.scoring.store import CandidateRepository, CandidateRow
from services.scoring.workers import grid_workers
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import ScoreEntryRecorded, ScoreEntryRecordedPayload
from shared.http import ApiError

PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"
STATE_LABELS = {PENDING: "待确认", CONFIRMED: "已确认扣分", DISMISSED: "已驳回"}


class CandidateView(BaseModel):
    candidate_id: str
    rule: str
    rule_label: str
    points: int | None
    worker_id: str
    worker_name: str
    month: str
    reason: str
    source: str
    source_ref: str | None
    occurred_at: datetime
    state: str
    state_label: str
    decided_by: str | None
    note: str | None
    entry_id: str | None


@dataclass
class Candidates:
    scoring: Scoring

    def _workers(self, who: Principal) -> dict[str, str]:
        """The workers whose candidates ``who`` sees: a head their department's, ops all."""
        return {
            w.id: w.name
            for w in grid_workers(self.scoring.org)
            if who.kind in ("admin", "ops") or w.department == who.department
        }

    def view(self, row: CandidateRow, names: dict[str, str]) -> CandidateView:
        rule = self.scoring.book.rule(row.rule, row.month)
        return CandidateView(
            candidate_id=row.candidate_id,
            rule=row.rule,
            rule_label=rule.label if rule else row.rule,
            points=rule.points if rule else None,
            worker_id=row.worker_id,
            worker_name=names.get(row.worker_id, row.worker_id),
            month=row.month,
            reason=row.reason,
            source=row.source,
            source_ref=row.source_ref,
            occurred_at=to_local(row.occurred_at),
            state=row.state,
            state_label=STATE_LABELS.get(row.state, row.state),
            decided_by=row.decided_by,
            note=row.note,
            entry_id=row.entry_id,
        )

    async def listed(self, who: Principal, state: str | None) -> list[CandidateView]:
        names = self._workers(who)
        async with self.scoring.runtime.db.transaction() as session:
            rows = await CandidateRepository(session).listed(list(names), state)
        return [self.view(r, names) for r in rows]

    async def _pending(
        self, session: AsyncSession, who: Principal, candidate_id: str
    ) -> CandidateRow:
        row = await CandidateRepository(session).get(candidate_id)
        if row is None or row.worker_id not in self._workers(who):
            raise ApiError(404, "not_found", f"没有待确认项 {candidate_id}", "candidate_id")
        if row.state != PENDING:
            label = STATE_LABELS.get(row.state, row.state)
            raise ApiError(409, "conflict", f"该项{label}，不能再次处理", "candidate_id")
        return row

    async def confirm(self, who: Principal, candidate_id: str, note: str) -> CandidateView:
        s = self.scoring
        now = s.runtime.clock.now()
        by = who.subject or who.role
        async with s.runtime.db.transaction() as session:
            row = await self._pending(session, who, candidate_id)
            request = ManualRequest(row.worker_id, row.month, row.rule, row.reason, by)
            try:
                rule = manual_rule(request, s.book)
            except ManualEntryRefused as exc:
                raise ApiError(422, "invalid", str(exc), exc.field) from exc
            event_id = uuid4()
            event = ScoreEntryRecorded(
                event_id=event_id,
                occurred_at=now,
                producer="scoring",
                worker_id=row.worker_id,
                payload=ScoreEntryRecordedPayload(
                    entry_id=str(event_id),
                    month=row.month,
                    rule=row.rule,
                    points=rule.points,
                    reason=row.reason + (f"；负责人确认：{note}" if note else ""),
                    evidence=f"{row.source} {row.source_ref or ''} 候选 {row.candidate_id}",
                    by=by,
                    flag=rule.flag,
                ),
            )
            await s.write(session, event, now)
            row.state, row.decided_by, row.decided_at = CONFIRMED, by, now
            row.note, row.entry_id = note or None, str(event_id)
        s.runtime.outbox.wake()
        return self.view(row, self._workers(who))

    async def dismiss(self, who: Principal, candidate_id: str, reason: str) -> CandidateView:
        if not reason.strip():
            raise ApiError(422, "invalid", "请填写驳回原因", "reason")
        now = self.scoring.runtime.clock.now()
        async with self.scoring.runtime.db.transaction() as session:
            row = await self._pending(session, who, candidate_id)
            row.state, row.decided_by, row.decided_at = DISMISSED, who.subject or who.role, now
            row.note = reason
        return self.view(row, self._workers(who))
