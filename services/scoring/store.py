"""Scoring's own database: monthly counts, the append-only ledger, and month closings."""

import json
from datetime import datetime

from sqlalchemy import Integer, String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.domain.candidates import Candidate
from services.scoring.domain.entries import LedgerEntry
from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class CountRow(Base):
    __tablename__ = "activity_counts"

    worker_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    counter: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class LedgerRow(Base):
    """One score change. Rows are only ever inserted: a correction is another row."""

    __tablename__ = "ledger_entries"

    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    event_id: Mapped[str | None] = mapped_column(String(36))
    event_type: Mapped[str | None] = mapped_column(String(40))
    order_id: Mapped[str | None] = mapped_column(String(40))
    entered_by: Mapped[str | None] = mapped_column(String(60))
    evidence: Mapped[str | None] = mapped_column(Text)
    flag: Mapped[str | None] = mapped_column(String(40))
    corrects: Mapped[str | None] = mapped_column(String(36))


class ClosureRow(Base):
    __tablename__ = "month_closures"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[str] = mapped_column(String(36))
    counts_json: Mapped[str] = mapped_column(Text, doc="The counts the places were made from")
    departments_json: Mapped[str] = mapped_column(Text, doc="The assessed workers' departments")


class CandidateRow(Base):
    """A deduction proposed by an event, waiting for the head: pending → confirmed (with the
    ledger entry it became) or dismissed. Kept through a rebuild: the decisions are the heads'."""

    __tablename__ = "candidates"

    candidate_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))
    source_ref: Mapped[str | None] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))
    occurred_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(36))


class CandidateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, candidates: list[Candidate]) -> None:
        """A candidate already there (same cause) keeps its state: a replay decides nothing."""
        for c in candidates:
            if await self.session.get(CandidateRow, c.candidate_id) is not None:
                continue
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
                    state="pending",
                )
            )
        await self.session.flush()

    async def get(self, candidate_id: str) -> CandidateRow | None:
        return await self.session.get(CandidateRow, candidate_id)

    async def listed(self, workers: list[str], state: str | None) -> list[CandidateRow]:
        query = select(CandidateRow).where(CandidateRow.worker_id.in_(workers))
        if state is not None:
            query = query.where(CandidateRow.state == state)
        rows = await self.session.scalars(query.order_by(CandidateRow.occurred_at))
        return list(rows)


class CountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def increment(self, worker_id: str, month: str, counter: str) -> None:
        row = await self.session.get(CountRow, (worker_id, month, counter))
        if row is None:
            self.session.add(CountRow(worker_id=worker_id, month=month, counter=counter, count=1))
        else:
            row.count += 1

    async def for_month(self, month: str) -> dict[str, dict[str, int]]:
        rows = await self.session.scalars(select(CountRow).where(CountRow.month == month))
        result: dict[str, dict[str, int]] = {}
        for row in rows:
            result.setdefault(row.worker_id, {})[row.counter] = row.count
        return result


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
