"""What people do to the assessment over HTTP: heads enter and correct points, the office closes
a month. Each decision becomes an event on the log (so a replay rebuilds it) and is applied to
the ledger in the same transaction; the inbox claim keeps our own consumer from applying it twice.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring import domain
from services.scoring.domain.entries import (
    LedgerEntry,
    ManualEntryRefused,
    ManualRequest,
    manual_rule,
)
from services.scoring.handlers import apply_event
from services.scoring.rules import RuleBook
from services.scoring.store import ClosureRepository, CountRepository, LedgerRepository
from services.scoring.workers import grid_workers, worker
from shared.auth import Principal
from shared.contracts import (
    MonthClosed,
    MonthClosedPayload,
    ScoreEntryRecorded,
    ScoreEntryRecordedPayload,
)
from shared.http import ApiError
from shared.organisation import Organisation
from shared.runtime import ServiceRuntime

ORDERS_CONSUMER = "counts"  # the consumer names the inbox records; kept for replay
ACTIVITY_CONSUMER = "activity"
PRODUCER = "scoring"


@dataclass
class Scoring:
    runtime: ServiceRuntime
    book: RuleBook
    org: Organisation

    def _check_department(self, who: Principal, worker_id: str) -> None:
        target = worker(self.org, worker_id)
        if target is None:
            raise ApiError(404, "not_found", f"没有网格员 {worker_id}", "worker_id")
        if who.kind != "admin" and who.department != target.department:
            raise ApiError(
                403,
                "forbidden",
                f"{worker_id} 属于 {target.department}，只能为本部门网格员记分",
                "worker_id",
            )

    async def write(
        self, session: AsyncSession, event: ScoreEntryRecorded | MonthClosed, now: datetime
    ) -> None:
        await self.runtime.inbox.claim(session, event.event_id, ACTIVITY_CONSUMER, now)
        await apply_event(event, session, self.book)
        self.runtime.outbox.add(session, [event])

    async def _record(self, event: ScoreEntryRecorded | MonthClosed, now: datetime) -> None:
        async with self.runtime.db.transaction() as session:
            await self.write(session, event, now)
        self.runtime.outbox.wake()

    async def enter(
        self,
        who: Principal,
        worker_id: str,
        rule: str,
        reason: str,
        evidence: str | None,
        month: str | None,
    ) -> LedgerEntry:
        self._check_department(who, worker_id)
        now = self.runtime.clock.now()
        request = ManualRequest(
            worker_id=worker_id,
            month=month or domain.month_of(now),
            rule=rule,
            reason=reason,
            by=who.subject or who.role,
            evidence=evidence,
        )
        try:
            rule_in_force = manual_rule(request, self.book)
        except ManualEntryRefused as exc:
            raise ApiError(422, "invalid", str(exc), exc.field) from exc
        event_id = uuid4()
        event = ScoreEntryRecorded(
            event_id=event_id,
            occurred_at=now,
            producer=PRODUCER,
            worker_id=worker_id,
            payload=ScoreEntryRecordedPayload(
                entry_id=str(event_id),
                month=request.month,
                rule=rule,
                points=rule_in_force.points,
                reason=reason,
                evidence=evidence,
                by=request.by,
                flag=rule_in_force.flag,
            ),
        )
        await self._record(event, now)
        return await self._entry(str(event_id))

    async def correct(
        self, who: Principal, worker_id: str, entry_id: str, reason: str
    ) -> LedgerEntry:
        """A correction: a new entry that takes back an earlier one's points (and its flag)."""
        self._check_department(who, worker_id)
        if not reason.strip():
            raise ApiError(422, "invalid", "请填写更正原因", "reason")
        now = self.runtime.clock.now()
        event_id = uuid4()
        # Checked and written in one transaction: an entry is corrected once.
        async with self.runtime.db.transaction() as session:
            ledger = LedgerRepository(session)
            original = await ledger.get(entry_id)
            if original is None or original.worker_id != worker_id:
                raise ApiError(404, "not_found", f"{worker_id} 没有条目 {entry_id}", "entry_id")
            mine = await ledger.of_worker(worker_id, original.month)
            if original.corrects is not None or any(e.corrects == entry_id for e in mine):
                raise ApiError(409, "conflict", "该条目已更正过或本身是更正", "entry_id")
            event = ScoreEntryRecorded(
                event_id=event_id,
                occurred_at=now,
                producer=PRODUCER,
                worker_id=worker_id,
                payload=ScoreEntryRecordedPayload(
                    entry_id=str(event_id),
                    month=original.month,
                    rule=original.rule,
                    points=-original.points,
                    reason=f"更正：{reason}",
                    by=who.subject or who.role,
                    corrects=entry_id,
                ),
            )
            await self.write(session, event, now)
        self.runtime.outbox.wake()
        return await self._entry(str(event_id))

    async def _entry(self, entry_id: str) -> LedgerEntry:
        async with self.runtime.db.transaction() as session:
            entry = await LedgerRepository(session).get(entry_id)
        assert entry is not None  # written in the transaction that just committed
        return entry

    async def close(self, who: Principal, month: str) -> MonthClosed:
        now = self.runtime.clock.now()
        if month >= domain.month_of(now):
            raise ApiError(409, "conflict", f"{month} 尚未结束，不能结算", "month")
        workers = grid_workers(self.org)
        ranked = set(self.book.ranking.counts.values())
        async with self.runtime.db.transaction() as session:
            if await ClosureRepository(session).get(month) is not None:
                raise ApiError(409, "conflict", f"{month} 已结算", "month")
            live = await CountRepository(session).for_month(month)
            counts = {
                w.id: {c: n for c, n in live.get(w.id, {}).items() if c in ranked} for w in workers
            }
            event = MonthClosed(
                occurred_at=now,
                producer=PRODUCER,
                worker_id="*",
                payload=MonthClosedPayload(
                    month=month,
                    by=who.subject or who.role,
                    counts=counts,
                    departments={w.id: w.department for w in workers},
                ),
            )
            await self.write(session, event, now)
        self.runtime.outbox.wake()
        return event
