"""Scoring's candidate queue on a real (SQLite) database: a NotificationFailed proposes
COMM_UNREACHABLE and deducts nothing; the head's confirming entry settles it, and a replay of the
log finds it settled whichever of the two events it applies first."""

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import pytest

from services.scoring.config import load_rules
from services.scoring.domain.candidates import candidates_for, marker
from services.scoring.handlers import apply_event
from services.scoring.store import Base, CandidateRepository, LedgerRepository
from shared.clock import LOCAL_TZ
from shared.contracts import (
    NotificationFailed,
    NotificationFailedPayload,
    ScoreEntryRecorded,
    ScoreEntryRecordedPayload,
)
from shared.db import Database
from shared.paths import CONFIG_DIR

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
FAILED = NotificationFailed(
    order_id="GL-1",
    occurred_at=NOW,
    producer="notify",
    payload=NotificationFailedPayload(
        person_id="W-0301",
        channel="wecom_app",
        reason="企业微信：UserID不存在（errcode 60111）",
        attempts=1,
        notice="dispatched",
        assignment_id=1,
    ),
)
(CANDIDATE,) = candidates_for(FAILED, BOOK)


def confirming_entry() -> ScoreEntryRecorded:
    event_id = uuid4()
    return ScoreEntryRecorded(
        event_id=event_id,
        occurred_at=NOW,
        producer="scoring",
        worker_id="W-0301",
        payload=ScoreEntryRecordedPayload(
            entry_id=str(event_id),
            month="2026-12",
            rule="COMM_UNREACHABLE",
            points=-3,
            reason=CANDIDATE.reason,
            evidence=f"NotificationFailed GL-1 {marker(CANDIDATE.candidate_id)}",
            by="P-0200",
        ),
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scoring.db'}")
    await database.start()
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield database
    await database.stop()


async def apply(db: Database, *events: NotificationFailed | ScoreEntryRecorded) -> None:
    for event in events:
        async with db.transaction() as session:
            await apply_event(event, session, BOOK)


async def states(db: Database) -> list[tuple[str, str, str | None]]:
    async with db.transaction() as session:
        rows = await CandidateRepository(session).listed(["W-0301"], None)
        return [(r.rule, r.state, r.decided_by) for r in rows]


async def test_a_failed_notification_proposes_a_candidate_and_deducts_nothing(
    db: Database,
) -> None:
    await apply(db, FAILED, FAILED)
    assert await states(db) == [("COMM_UNREACHABLE", "pending", None)]
    async with db.transaction() as session:
        assert await LedgerRepository(session).of_worker("W-0301", None) == []
    assert CANDIDATE.reason.startswith("工单 GL-1 通知失败（企业微信）")


@pytest.mark.parametrize("entry_first", [False, True])
async def test_the_heads_entry_settles_the_candidate_in_either_order(
    db: Database, entry_first: bool
) -> None:
    events = (confirming_entry(), FAILED) if entry_first else (FAILED, confirming_entry())
    await apply(db, *events)
    assert await states(db) == [("COMM_UNREACHABLE", "confirmed", "P-0200")]
    async with db.transaction() as session:
        ledger = await LedgerRepository(session).of_worker("W-0301", None)
    assert [(e.rule, e.points) for e in ledger] == [("COMM_UNREACHABLE", -3)]
