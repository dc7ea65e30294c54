"""The registers: WeChat groups (and the gaps scoring offers the head) and trainings. Each
record goes on the log as it commits (the outbox): WeChatGroupRecorded, TrainingRecorded."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import NAMESPACE_URL, uuid5

from services.outreach.config import OutreachDeps
from services.outreach.domain import groups
from services.outreach.domain.access import own
from services.outreach.handlers.notices import PRODUCER
from services.outreach.store import (
    GapRaisedRow,
    GroupRow,
    OutreachRepository,
    TrainingRow,
)
from shared.auth import Principal
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
from shared.contracts.envelopes import envelope
from shared.organisation import community_key
from shared.refusals import Invalid
from shared.unit_of_work import UnitOfWork

_GAPS = uuid5(NAMESPACE_URL, "gridline:outreach:wechat-group-missing")


@dataclass(frozen=True)
class NewGroup:
    """A group (or a property manager's contact) as a worker or head enters it."""

    community: str
    worker_id: str
    kind: Literal["group", "manager_contact"]
    group_name: str = ""
    members: int | None = None
    worker_in_group: bool = False
    manager_name: str = ""
    note: str = ""


@dataclass(frozen=True)
class RecordGroup:
    body: NewGroup
    who: Principal


@dataclass(frozen=True)
class NewTraining:
    held_on: date
    topic: str
    trainer: str
    attendees: Sequence[str]


@dataclass(frozen=True)
class RecordTraining:
    body: NewTraining
    who: Principal


@dataclass(frozen=True)
class CheckGroups:
    """A round of the group-gap check (the job's, or the head's “立即检查”), for one department
    or all."""

    department: str | None = None


def group_recorded(row: GroupRow) -> WeChatGroupRecorded:
    return envelope(
        WeChatGroupRecorded,
        row.worker_id,
        WeChatGroupRecordedPayload(
            community=row.community,
            department=row.department,
            kind="group" if row.kind == "group" else "manager_contact",
            group_name=row.group_name,
            members=row.members,
            worker_in_group=row.worker_in_group,
            by=row.recorded_by,
        ),
        row.recorded_at,
        PRODUCER,
    )


def training_recorded(row: TrainingRow) -> TrainingRecorded:
    return envelope(
        TrainingRecorded,
        "*",
        TrainingRecordedPayload(
            training_id=row.id,
            department=row.department,
            held_on=row.held_on,
            topic=row.topic,
            trainer=row.trainer,
            attendees=tuple(row.attendees),
            by=row.recorded_by,
        ),
        row.recorded_at,
        PRODUCER,
    )


def _group(body: NewGroup, department: str, by: str, now: datetime) -> GroupRow:
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


async def record_group(
    command: RecordGroup, uow: UnitOfWork, deps: OutreachDeps
) -> Sequence[Event]:
    """A group or property-manager contact on the register. ``uow.answer``: the row."""
    body = command.body
    home = deps.org.department_of_person(body.worker_id)
    if home is None or body.worker_id not in groups.grid_workers(deps.org, home):
        raise Invalid(f"{body.worker_id} 不是网格员", "worker_id")
    department = own(command.who, home)
    row = _group(body, department, command.who.subject, uow.now)
    uow.session.add(row)
    await uow.session.flush()
    uow.answer = row
    return [group_recorded(row)]


async def raise_group_gaps(
    command: CheckGroups, uow: UnitOfWork, deps: OutreachDeps
) -> Sequence[Event]:
    """Each gap goes on the log once a month, for the head's candidate queue in scoring.
    ``uow.answer``: the number of gaps per department (all departments, for the gauge)."""
    session, now = uow.session, uow.now
    found = groups.gaps(deps.org, groups.covered(await OutreachRepository(session).groups()))
    uow.answer = Counter(g.department for g in found)
    month = f"{to_local(now):%Y-%m}"
    events: list[Event] = []
    for gap in found:
        if command.department is not None and gap.department != command.department:
            continue
        key = f"{gap.worker_id}:{community_key(gap.community)}:{gap.department}:{month}"
        if await session.get(GapRaisedRow, key) is not None:
            continue
        session.add(GapRaisedRow(key=key, raised_at=now))
        events.append(
            envelope(
                WeChatGroupMissing,
                gap.worker_id,
                WeChatGroupMissingPayload(
                    community=gap.community, grid=gap.grid, department=gap.department, month=month
                ),
                now,
                PRODUCER,
                event_id=uuid5(_GAPS, key),
            )
        )
    return events


async def record_training(
    command: RecordTraining, uow: UnitOfWork, deps: OutreachDeps
) -> Sequence[Event]:
    """A training with its attendees, Art. 6. ``uow.answer``: the row."""
    body = command.body
    department = own(command.who, None)
    workers = groups.grid_workers(deps.org, department)
    unknown = [a for a in body.attendees if a not in workers]
    if unknown:
        raise Invalid(f"不是本部门网格员：{'、'.join(unknown)}", "attendees")
    row = TrainingRow(
        department=department,
        held_on=body.held_on,
        topic=body.topic,
        trainer=body.trainer,
        attendees=list(dict.fromkeys(body.attendees)),
        recorded_by=command.who.subject,
        recorded_at=uow.now,
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.answer = row
    return [training_recorded(row)]
