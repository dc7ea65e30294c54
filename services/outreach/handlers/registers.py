"""The registers: WeChat groups (and the gaps scoring offers the head) and trainings. Each
record goes on the log as it commits (the outbox): WeChatGroupRecorded, TrainingRecorded."""

from collections.abc import Sequence
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy.ext.asyncio import AsyncSession

from services.outreach.config import OutreachDeps
from services.outreach.domain import groups
from services.outreach.handlers.notices import PRODUCER
from services.outreach.schemas import GroupIn, TrainingIn
from services.outreach.store import (
    GapRaisedRow,
    GroupRow,
    OutreachRepository,
    TrainingRow,
)
from shared.clock import to_local
from shared.contracts import (
    Event,
    TrainingRecorded,
    TrainingRecordedPayload,
    WeChatGroupMissing,
    WeChatGroupMissingPayload,
    WeChatGroupRecorded,
    WeChatGroupRecordedPayload,
)
from shared.organisation import community_key

_GAPS = uuid5(NAMESPACE_URL, "gridline:outreach:wechat-group-missing")


def group_recorded(row: GroupRow) -> WeChatGroupRecorded:
    return WeChatGroupRecorded(
        occurred_at=row.recorded_at,
        producer=PRODUCER,
        worker_id=row.worker_id,
        payload=WeChatGroupRecordedPayload(
            community=row.community,
            department=row.department,
            kind="group" if row.kind == "group" else "manager_contact",
            group_name=row.group_name,
            members=row.members,
            worker_in_group=row.worker_in_group,
            by=row.recorded_by,
        ),
    )


def training_recorded(row: TrainingRow) -> TrainingRecorded:
    return TrainingRecorded(
        occurred_at=row.recorded_at,
        producer=PRODUCER,
        worker_id="*",
        payload=TrainingRecordedPayload(
            training_id=row.id,
            department=row.department,
            held_on=row.held_on,
            topic=row.topic,
            trainer=row.trainer,
            attendees=tuple(row.attendees),
            by=row.recorded_by,
        ),
    )


def record_group(body: GroupIn, department: str, by: str, now: datetime) -> GroupRow:
    return GroupRow(
        community=body.community,
        community_key=community_key(body.community),
        worker_id=body.worker_id,
        department=department,
        kind=body.kind,
        group_name=body.group_name,
        members=body.members,
        worker_in_group=body.worker_in_group,
        manager_name=body.manager_name,
        note=body.note,
        recorded_by=by,
        recorded_at=now,
    )


def covered(rows: Sequence[GroupRow]) -> list[tuple[str, str]]:
    """A group counts only when the worker is in it; a manager contact counts as it is."""
    return [
        (r.worker_id, r.community_key)
        for r in rows
        if r.kind == "manager_contact" or r.worker_in_group
    ]


async def raise_group_gaps(
    session: AsyncSession, deps: OutreachDeps, now: datetime, department: str | None = None
) -> list[Event]:
    """Each gap goes on the log once a month, for the head's candidate queue in scoring."""
    repo = OutreachRepository(session)
    month = f"{to_local(now):%Y-%m}"
    events: list[Event] = []
    for gap in groups.gaps(deps.org, covered(await repo.groups())):
        if department is not None and gap.department != department:
            continue
        key = f"{gap.worker_id}:{community_key(gap.community)}:{gap.department}:{month}"
        if await session.get(GapRaisedRow, key) is not None:
            continue
        session.add(GapRaisedRow(key=key, raised_at=now))
        events.append(
            WeChatGroupMissing(
                event_id=uuid5(_GAPS, key),
                occurred_at=now,
                producer=PRODUCER,
                worker_id=gap.worker_id,
                payload=WeChatGroupMissingPayload(
                    community=gap.community, grid=gap.grid, department=gap.department, month=month
                ),
            )
        )
    return events


def record_training(body: TrainingIn, department: str, by: str, now: datetime) -> TrainingRow:
    return TrainingRow(
        department=department,
        held_on=body.held_on,
        topic=body.topic,
        trainer=body.trainer,
        attendees=list(dict.fromkeys(body.attendees)),
        recorded_by=by,
        recorded_at=now,
    )
