"""Outreach's HTTP: notices (campaigns and their tasks), the WeChat group register, trainings.

Authorisation: a head or a department worker acts on their own department only; operators start
notices for any department; ops and admin read everything (admin may also write).
"""

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Response

from services.outreach import exports, metrics, queries
from services.outreach.config import OutreachDeps
from services.outreach.domain.access import own
from services.outreach.handlers import (
    MarkSent,
    RecordGroup,
    RecordTraining,
    StartCampaign,
    Started,
)
from services.outreach.handlers.notices import NewCampaign
from services.outreach.handlers.registers import NewGroup, NewTraining
from services.outreach.jobs import check_groups
from services.outreach.schemas import (
    CampaignIn,
    CampaignView,
    GapCheck,
    GapView,
    GroupIn,
    GroupView,
    SentIn,
    TaskView,
    TrainingIn,
    TrainingReport,
    TrainingView,
)
from services.outreach.store import CampaignRow, OutreachRepository, TaskRow
from shared import state
from shared.auth import Principal
from shared.clock import to_local
from shared.http import require
from shared.params import Limit, PathKey, QueryKey, Year
from shared.refusals import NotFound
from shared.state import Runtime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


Deps = state.Deps[OutreachDeps]
Bus = state.Bus[OutreachDeps]
Starter = Annotated[Principal, Depends(require("operator", "head"))]
Staff = Annotated[Principal, Depends(require("head", "department"))]
Reader = Annotated[Principal, Depends(require("head", "department", "ops", "operator"))]
Head = Annotated[Principal, Depends(require("head"))]
HeadOrOps = Annotated[Principal, Depends(require("head", "ops"))]

router = APIRouter(prefix="/v1")


def _campaign(
    deps: OutreachDeps, c: CampaignRow, tasks: list[TaskRow], at: datetime
) -> CampaignView:
    who = queries.names(deps)
    return CampaignView(
        campaign_id=c.campaign_id,
        template=c.template,
        title=c.title,
        department=c.department,
        starts_at=to_local(c.starts_at) if c.starts_at else None,
        ends_at=to_local(c.ends_at) if c.ends_at else None,
        deadline=to_local(c.deadline),
        tasks=[TaskView.of(t, who, at) for t in tasks],
    )


@router.post(
    "/campaigns",
    response_model=CampaignView,
    status_code=201,
    summary="发起通知：按小区生成文本并派给网格员",
)
async def start(
    body: CampaignIn, who: Starter, bus: Bus, runtime: Runtime, deps: Deps
) -> CampaignView:
    done = await bus.handle(StartCampaign(NewCampaign(**body.model_dump()), who))
    started: Started = done.answer
    metrics.NOTICE_TASKS.labels(started.campaign.department, "created").inc(len(started.tasks))
    return _campaign(deps, started.campaign, started.tasks, runtime.clock.now())


@router.get(
    "/campaigns/{campaign_id}", response_model=CampaignView, summary="一次通知及其各小区任务"
)
async def campaign(campaign_id: PathKey, who: Reader, runtime: Runtime, deps: Deps) -> CampaignView:
    async with runtime.db.snapshot() as session:
        repo = OutreachRepository(session)
        row = await repo.campaign(campaign_id)
        if row is None:
            raise NotFound(f"没有通知 {campaign_id}", "campaign_id")
        if who.department is not None:
            own(who, row.department)
        tasks = await repo.tasks_of(campaign_id)
    return _campaign(deps, row, tasks, runtime.clock.now())


@router.get("/notice-tasks", response_model=list[TaskView], summary="发送任务（网格员的待发通知）")
async def tasks(
    who: Reader,
    runtime: Runtime,
    deps: Deps,
    department: QueryKey = None,
    worker_id: QueryKey = None,
    state: QueryKey = None,
    limit: Limit = 100,
) -> list[TaskView]:
    dept = own(who, department) if who.department is not None or department else None
    async with runtime.db.snapshot() as session:
        rows = await queries.tasks(session, dept, worker_id, state, limit)
    now = runtime.clock.now()
    return [TaskView.of(r, queries.names(deps), now) for r in rows]


@router.post("/notice-tasks/{task_id}/sent", response_model=TaskView, summary="已发送（可附截图）")
async def sent(task_id: PathKey, body: SentIn, who: Staff, bus: Bus, deps: Deps) -> TaskView:
    done = await bus.handle(MarkSent(task_id, body.screenshot, who))
    task: TaskRow = done.answer
    if done.events:
        metrics.NOTICE_TASKS.labels(task.department, "sent").inc()
    return TaskView.of(task, queries.names(deps), done.now)


@router.post(
    "/wechat-groups",
    response_model=GroupView,
    status_code=201,
    summary="登记小区业主微信群或物业负责人微信",
)
async def add_group(body: GroupIn, who: Staff, bus: Bus, deps: Deps) -> GroupView:
    done = await bus.handle(RecordGroup(NewGroup(**body.model_dump()), who))
    return GroupView.of(done.answer, queries.names(deps))


@router.get("/wechat-groups", response_model=list[GroupView], summary="微信群登记")
async def list_groups(
    who: Reader, runtime: Runtime, deps: Deps, department: QueryKey = None
) -> list[GroupView]:
    dept = own(who, department)
    async with runtime.db.snapshot() as session:
        rows = await OutreachRepository(session).groups(dept)
    return [GroupView.of(r, queries.names(deps)) for r in rows]


@router.get(
    "/wechat-groups/missing",
    response_model=list[GapView],
    summary="未入群且未加物业负责人的网格员",
)
async def missing(
    who: HeadOrOps, runtime: Runtime, deps: Deps, department: QueryKey = None
) -> list[GapView]:
    dept = own(who, department)
    async with runtime.db.snapshot() as session:
        return await queries.gaps(session, deps, dept)


@router.post(
    "/wechat-groups/check",
    response_model=GapCheck,
    summary="立即检查：缺群者提交部门负责人确认是否扣分（每人每小区每月一次）",
)
async def check(who: HeadOrOps, bus: Bus, department: QueryKey = None) -> GapCheck:
    dept = own(who, department)
    return GapCheck(department=dept, proposed=await check_groups(bus, dept))


@router.post("/trainings", response_model=TrainingView, status_code=201, summary="登记一次培训")
async def add_training(body: TrainingIn, who: Head, bus: Bus) -> TrainingView:
    done = await bus.handle(RecordTraining(NewTraining(**body.model_dump()), who))
    metrics.TRAININGS.labels(done.answer.department).inc()
    return TrainingView.of(done.answer)


@router.get("/trainings/{year}.xlsx", summary="培训登记导出（xlsx）", response_class=Response)
async def report_xlsx(
    year: Year, who: Reader, runtime: Runtime, deps: Deps, department: QueryKey = None
) -> Response:
    dept = own(who, department)
    async with runtime.db.snapshot() as session:
        view, held = await queries.training_report(session, deps, dept, year, runtime.clock.now())
    data = exports.training_xlsx(view, held, queries.names(deps))
    # Headers are Latin-1: a department named in any other script goes in RFC 5987's form.
    name = quote(f"trainings-{dept}-{year}.xlsx")
    disposition = f"attachment; filename=\"trainings-{year}.xlsx\"; filename*=UTF-8''{name}"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/trainings/{year}", response_model=TrainingReport, summary="全年培训次数，不足4次者")
async def report(
    year: Year, who: Reader, runtime: Runtime, deps: Deps, department: QueryKey = None
) -> TrainingReport:
    dept = own(who, department)
    async with runtime.db.snapshot() as session:
        view, _ = await queries.training_report(session, deps, dept, year, runtime.clock.now())
    return view
