"""Notices: campaigns rendered per community, tasks marked sent, overdue tasks raised; the
leave the router announces. One shape: ``(message, uow, deps) -> events``.

Everything a command changes and the events it causes commit together (the outbox); the
activity consumer keeps the leave the router announces, each event once (the inbox).
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.outreach.config import NoticeTemplate, OutreachDeps
from services.outreach.domain import notices
from services.outreach.domain.access import own
from services.outreach.domain.lead_time import short_notice
from services.outreach.handlers.task_deadline import task_deadline
from services.outreach.store import (
    OPEN,
    SENT,
    CampaignRow,
    OutreachRepository,
    TaskRow,
)
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import (
    Event,
    GridActivityPayload,
    GridActivityRecorded,
    LeaveChanged,
    LeavePeriod,
    NoticeOverdue,
    NoticeOverduePayload,
    NoticeTaskAssigned,
    NoticeTaskAssignedPayload,
    OutageAnnounced,
    OutageAnnouncedPayload,
)
from shared.contracts.envelopes import envelope
from shared.refusals import Forbidden, Invalid, NotFound
from shared.unit_of_work import UnitOfWork

PRODUCER = "outreach"


@dataclass(frozen=True)
class NewCampaign:
    """A template for some communities, the window it tells of; ``emergency``: a 紧急停水."""

    template: str
    communities: Sequence[str]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    reason: str = ""
    deadline: datetime | None = None
    emergency: bool = False


@dataclass(frozen=True)
class StartCampaign:
    body: NewCampaign
    who: Principal


@dataclass(frozen=True)
class Started:
    """What a started campaign answers: the campaign and its tasks."""

    campaign: CampaignRow
    tasks: list[TaskRow]


@dataclass(frozen=True)
class MarkSent:
    task_id: str
    screenshot: str | None
    who: Principal


@dataclass(frozen=True)
class RaiseOverdue:
    """The overdue job's round."""


async def known_leave(
    session: AsyncSession, deps: OutreachDeps
) -> dict[str, tuple[LeavePeriod, ...]]:
    """The organisation file's leave, replaced person by person by what the router announced."""
    leave: dict[str, tuple[LeavePeriod, ...]] = {}
    for lv in deps.org.leave:
        leave[lv.person] = (
            *leave.get(lv.person, ()),
            LeavePeriod(**{"from": lv.from_, "to": lv.to}),
        )
    for person, periods in (await OutreachRepository(session).leave()).items():
        leave[person] = tuple(LeavePeriod.model_validate(p) for p in periods)
    return leave


def _deadline(template: NoticeTemplate, body: NewCampaign, now: datetime) -> datetime:
    if body.deadline is not None:
        return body.deadline
    due = now + timedelta(hours=template.post_within_hours)
    return min(due, body.starts_at) if body.starts_at and body.starts_at > now else due


async def start_campaign(
    command: StartCampaign, uow: UnitOfWork, deps: OutreachDeps
) -> Sequence[Event]:
    """Renders the text per community and gives each its responsible worker a task.
    ``uow.answer``: the ``Started`` campaign."""
    body, who = command.body, command.who
    template = deps.templates.get(body.template)
    if template is None:
        raise Invalid(f"没有通知模板 {body.template}", "template")
    if who.kind != "operator":
        own(who, template.department)
    try:
        started = await _start(uow.session, deps, template, body, who.subject, uow.now)
    except notices.UnknownCommunity as exc:
        raise Invalid(str(exc), "communities") from exc
    # After the communities are checked, so an unknown one is named first; a refusal here rolls
    # the campaign back with the unit of work.
    _in_time_or_emergency(deps, template, command, uow.now)
    uow.answer = started
    events: list[Event] = [_assigned(started.campaign, task, uow.now) for task in started.tasks]
    if not (template.opens_incident and body.starts_at and body.ends_at):
        return events
    announced = OutageAnnouncedPayload(
        campaign_id=started.campaign.campaign_id,
        department=started.campaign.department,
        communities=tuple(body.communities),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        reason=body.reason,
        title=started.campaign.title,
    )
    return [*events, envelope(OutageAnnounced, "*", announced, uow.now, PRODUCER)]


def _assigned(campaign: CampaignRow, task: TaskRow, now: datetime) -> NoticeTaskAssigned:
    """The worker is told of the task by notify (issue 19): without it a task waits unseen."""
    assigned = NoticeTaskAssignedPayload(
        task_id=task.task_id,
        campaign_id=campaign.campaign_id,
        department=task.department,
        community=task.community,
        title=campaign.title,
        deadline=task.deadline,
    )
    return envelope(NoticeTaskAssigned, task.worker_id, assigned, now, PRODUCER)


def _in_time_or_emergency(
    deps: OutreachDeps, template: NoticeTemplate, command: StartCampaign, now: datetime
) -> None:
    """A planned outage announced later than its lead time is refused; as 紧急停水 it is
    accepted from the department's head (or admin) alone — that is the head's confirmation."""
    body, who = command.body, command.who
    if body.emergency and template.notice_lead_hours is None:
        raise Invalid(f"{template.title}不是计划停水通知，无紧急停水之分", "emergency")
    if body.emergency and not who.is_any("head", "admin"):
        raise Forbidden("紧急停水须由部门负责人确认发起", "emergency")
    grace = deps.templates.lead_grace_minutes
    problem = short_notice(template.notice_lead_hours, grace, body.starts_at, now)
    if problem and not body.emergency:
        raise Invalid(problem, "starts_at")


async def _start(
    session: AsyncSession,
    deps: OutreachDeps,
    template: NoticeTemplate,
    body: NewCampaign,
    by: str,
    now: datetime,
) -> Started:
    """Raises ``notices.UnknownCommunity`` for a community no grid of the department holds."""
    leave = await known_leave(session, deps)
    campaign = CampaignRow(
        campaign_id=f"NTC-{to_local(now):%Y%m%d}-{secrets.token_hex(3).upper()}",
        template=template.code,
        department=template.department,
        title=f"【紧急停水】{template.title}" if body.emergency else template.title,
        reason=body.reason,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        deadline=_deadline(template, body, now),
        created_by=by,
        created_at=now,
    )
    tasks = [
        _task(deps, template, campaign, i, community, leave, now, body.deadline is not None)
        for i, community in enumerate(body.communities, start=1)
    ]
    OutreachRepository(session).add(campaign, *tasks)
    return Started(campaign, tasks)


def _task(
    deps: OutreachDeps,
    template: NoticeTemplate,
    campaign: CampaignRow,
    number: int,
    community: str,
    leave: dict[str, tuple[LeavePeriod, ...]],
    now: datetime,
    explicit_deadline: bool,
) -> TaskRow:
    department = deps.org.department(campaign.department)
    who = notices.responsible(deps.org, department.code, community, leave, now)
    text = notices.render(
        template.text,
        community=community,
        start=campaign.starts_at,
        end=campaign.ends_at,
        reason=campaign.reason,
        hotline=deps.templates.hotline,
        department=department.name,
    )
    return TaskRow(
        task_id=f"{campaign.campaign_id}-{number:02d}",
        campaign_id=campaign.campaign_id,
        department=department.code,
        community=community,
        grid=who.grid,
        worker_id=who.worker_id,
        post=who.post,
        note=who.note,
        text=text,
        deadline=task_deadline(deps, template, campaign, who.worker_id, now, explicit_deadline),
        state=OPEN,
    )


async def mark_sent(command: MarkSent, uow: UnitOfWork, deps: OutreachDeps) -> Sequence[Event]:
    """A notice posted counts as a message sent (Art. 18(二)3), once: sending twice is a no-op.
    ``uow.answer``: the task."""
    task = await OutreachRepository(uow.session).task(command.task_id)
    if task is None:
        raise NotFound(f"没有发送任务 {command.task_id}", "task_id")
    own(command.who, task.department)
    uow.answer = task
    if task.state == SENT:
        return []
    now = uow.now
    task.state, task.sent_at, task.sent_by = SENT, now, command.who.subject
    task.screenshot = command.screenshot
    return [
        envelope(
            GridActivityRecorded,
            task.worker_id,
            GridActivityPayload(
                activity_id=f"notice:{task.task_id}",
                worker_id=task.worker_id,
                kind="message",
                channel="wechat_group",
                at=now,
                note=f"{task.community}：{task.text[:40]}",
            ),
            now,
            PRODUCER,
        )
    ]


async def raise_overdue(
    _command: RaiseOverdue, uow: UnitOfWork, _deps: OutreachDeps
) -> Sequence[Event]:
    """Open tasks past their deadline become NoticeOverdue, each once (the head decides)."""
    now = uow.now
    events: list[Event] = []
    repo = OutreachRepository(uow.session)
    for task in await repo.overdue(now):
        task.overdue_at = now
        campaign = await repo.campaign(task.campaign_id)
        overdue = NoticeOverduePayload(
            task_id=task.task_id,
            campaign_id=task.campaign_id,
            department=task.department,
            community=task.community,
            title=campaign.title if campaign else "通知",
            deadline=task.deadline,
        )
        events.append(envelope(NoticeOverdue, task.worker_id, overdue, now, PRODUCER))
    return events


async def keep_leave(event: LeaveChanged, uow: UnitOfWork, _deps: OutreachDeps) -> Sequence[Event]:
    """The leave the router announces replaces the organisation file's for that person."""
    periods = [lv.model_dump(mode="json", by_alias=True) for lv in event.payload.leave]
    await OutreachRepository(uow.session).set_leave(event.payload.person_id, periods, uow.now)
    return []
