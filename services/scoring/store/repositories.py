"""The statements on scoring's tables (``tables``): counts, the ledger, closings, candidates."""

import json
from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.domain.candidates import Candidate, confirmed_candidate, marker
from services.scoring.domain.entries import LedgerEntry
from services.scoring.store.tables import (
    CandidateRow,
    ClosureRow,
    CountRow,
    InboxRow,
    LedgerRow,
)


class CandidateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, candidates: list[Candidate]) -> None:
        """A candidate already there (same cause) keeps its state: a replay decides nothing.
        One whose confirming entry is already in the ledger (a replay that applied the head's
        entry first) arrives confirmed."""
        if not candidates:
            return  # most events: nothing to flush for
        for c in candidates:
            if await self.session.get(CandidateRow, c.candidate_id) is not None:
                continue
            entry = (
                await self.session.scalars(
                    select(LedgerRow).where(LedgerRow.evidence.endswith(marker(c.candidate_id)))
                )
            ).first()
            self.session.add(
                CandidateRow(
                    candidate_id=c.candidate_id,
                    rule=c.rule,
                    worker_id=c.worker_id,
                    month=c.month,
                    reason=c.reason,
                    source=c.source,
                    source_ref=c.source_ref,
                    event_id=c.event_id,
                    occurred_at=c.occurred_at,
                    state="pending" if entry is None else "confirmed",
                    decided_by=entry.entered_by if entry else None,
                    decided_at=entry.occurred_at if entry else None,
                    entry_id=entry.entry_id if entry else None,
                )
            )
        await self.session.flush()

    async def confirmed_by(self, entry: LedgerEntry) -> None:
        """A head's entry that confirms a candidate settles it (live, and on a replay)."""
        candidate_id = confirmed_candidate(entry.evidence)
        row = await self.session.get(CandidateRow, candidate_id) if candidate_id else None
        if row is None or row.state != "pending":
            return
        row.state, row.entry_id = "confirmed", entry.entry_id
        row.decided_by, row.decided_at = entry.by, entry.occurred_at

    async def get(self, candidate_id: str) -> CandidateRow | None:
        return await self.session.get(CandidateRow, candidate_id)

    async def listed(self, workers: list[str], state: str | None) -> list[CandidateRow]:
        query = select(CandidateRow).where(CandidateRow.worker_id.in_(workers))
        if state is not None:
            query = query.where(CandidateRow.state == state)
        rows = await self.session.scalars(query.order_by(CandidateRow.occurred_at))
        return list(rows)


COUNTS: Table = CountRow.__table__  # type: ignore[assignment]
# One count goes up by one, its row made at the first: no read before the write (issue 14).
# No count is ever an ORM object in a unit of work (``for_month`` reads columns), so none is
# left stale by this Core statement.
_COUNT_UP = {
    "postgresql": pg_insert(COUNTS)
    .values(count=1)
    .on_conflict_do_update(
        index_elements=[COUNTS.c.worker_id, COUNTS.c.month, COUNTS.c.counter],
        set_={"count": COUNTS.c.count + 1},
    ),
    "sqlite": sqlite_insert(COUNTS)
    .values(count=1)
    .on_conflict_do_update(
        index_elements=[COUNTS.c.worker_id, COUNTS.c.month, COUNTS.c.counter],
        set_={"count": COUNTS.c.count + 1},
    ),
}


class CountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def increment(self, worker_id: str, month: str, counter: str) -> None:
        bind = self.session.bind
        dialect = (
            "postgresql" if bind is not None and bind.dialect.name == "postgresql" else "sqlite"
        )
        await self.session.execute(
            _COUNT_UP[dialect], {"worker_id": worker_id, "month": month, "counter": counter}
        )

    async def for_month(self, month: str) -> dict[str, dict[str, int]]:
        rows = await self.session.execute(
            select(CountRow.worker_id, CountRow.counter, CountRow.count).where(
                CountRow.month == month
            )
        )
        result: dict[str, dict[str, int]] = {}
        for worker_id, counter, count in rows:
            result.setdefault(worker_id, {})[counter] = count
        return result

    async def months_of(self, worker_id: str) -> list[str]:
        """The months in which anything was counted for the worker."""
        rows = await self.session.scalars(
            select(CountRow.month).where(CountRow.worker_id == worker_id).distinct()
        )
        return sorted(rows)


def _entry(row: LedgerRow) -> LedgerEntry:
    return LedgerEntry(
        entry_id=row.entry_id,
        worker_id=row.worker_id,
        month=row.month,
        rule=row.rule,
        points=row.points,
        source=row.source,  # type: ignore[arg-type]
        reason=row.reason,
        occurred_at=row.occurred_at,
        event_id=row.event_id,
        event_type=row.event_type,
        order_id=row.order_id,
        by=row.entered_by,
        evidence=row.evidence,
        flag=row.flag,
        corrects=row.corrects,
    )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(self, entries: list[LedgerEntry]) -> None:
        """Inserts entries; one already there (same cause) is left as it is, never rewritten."""
        if not entries:
            return  # most events: nothing to flush for
        for e in entries:
            if await self.session.get(LedgerRow, e.entry_id) is not None:
                continue
            self.session.add(
                LedgerRow(
                    entry_id=e.entry_id,
                    worker_id=e.worker_id,
                    month=e.month,
                    rule=e.rule,
                    points=e.points,
                    source=e.source,
                    reason=e.reason,
                    occurred_at=e.occurred_at,
                    event_id=e.event_id,
                    event_type=e.event_type,
                    order_id=e.order_id,
                    entered_by=e.by,
                    evidence=e.evidence,
                    flag=e.flag,
                    corrects=e.corrects,
                )
            )
        await self.session.flush()

    async def get(self, entry_id: str) -> LedgerEntry | None:
        row = await self.session.get(LedgerRow, entry_id)
        return _entry(row) if row is not None else None

    async def of_month(self, month: str) -> list[LedgerEntry]:
        rows = await self.session.scalars(
            select(LedgerRow)
            .where(LedgerRow.month == month)
            .order_by(LedgerRow.occurred_at, LedgerRow.entry_id)
        )
        return [_entry(r) for r in rows]

    async def of_months(self, months: list[str]) -> list[LedgerEntry]:
        rows = await self.session.scalars(
            select(LedgerRow)
            .where(LedgerRow.month.in_(months))
            .order_by(LedgerRow.occurred_at, LedgerRow.entry_id)
        )
        return [_entry(r) for r in rows]

    async def of_worker(self, worker_id: str, month: str | None) -> list[LedgerEntry]:
        query = select(LedgerRow).where(LedgerRow.worker_id == worker_id)
        if month is not None:
            query = query.where(LedgerRow.month == month)
        rows = await self.session.scalars(query.order_by(LedgerRow.occurred_at, LedgerRow.entry_id))
        return [_entry(r) for r in rows]


class Closure:
    def __init__(self, row: ClosureRow) -> None:
        self.month = row.month
        self.closed_at = row.closed_at
        self.closed_by = row.closed_by
        self.event_id = row.event_id
        self.counts: dict[str, dict[str, int]] = json.loads(row.counts_json)
        self.departments: dict[str, str] = json.loads(row.departments_json)


class ClosureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, month: str) -> Closure | None:
        row = await self.session.get(ClosureRow, month)
        return Closure(row) if row is not None else None

    async def add(
        self,
        month: str,
        closed_at: datetime,
        closed_by: str,
        event_id: str,
        counts: dict[str, dict[str, int]],
        departments: dict[str, str],
    ) -> bool:
        """False when the month was already closed (the first closing stands)."""
        if await self.session.get(ClosureRow, month) is not None:
            return False
        self.session.add(
            ClosureRow(
                month=month,
                closed_at=closed_at,
                closed_by=closed_by,
                event_id=event_id,
                counts_json=json.dumps(counts, ensure_ascii=False, sort_keys=True),
                departments_json=json.dumps(departments, ensure_ascii=False, sort_keys=True),
            )
        )
        await self.session.flush()
        return True

    async def in_months(self, months: list[str]) -> dict[str, Closure]:
        rows = await self.session.scalars(select(ClosureRow).where(ClosureRow.month.in_(months)))
        return {r.month: Closure(r) for r in rows}


async def wipe(session: AsyncSession) -> None:
    """Empties everything the log rebuilds (rebuild in place); the outbox is left alone."""
    for table in (LedgerRow, ClosureRow, CountRow, InboxRow):
        await session.execute(delete(table))
