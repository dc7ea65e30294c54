"""Outreach's HTTP: notices (campaigns and their tasks), the WeChat group register, trainings.

Authorisation: a head or a department worker acts on their own department only; operators start
notices for any department; ops and admin read everything (admin may also write).
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.outreach import exports, handlers, metrics, queries
from services.outreach.config import OutreachDeps
from services.outreach.domain.notices import UnknownCommunity
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
from shared.auth import Principal
from shared.clock import to_local
from shared.http import ApiError, require
from shared.runtime import ServiceRuntime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class OutreachContext:
    runtime: ServiceRuntime
    deps: OutreachDeps


def own(who: Principal, department: str | None) -> str:
    """The department ``who`` acts for: their own; ops/admin/operator name it (``department``)."""
    if who.department is not None:
        if department is not None and department != who.department:
            raise ApiError(
                403, "forbidden", f"{who.role} 不能查看或办理其他部门的事项", "department"
            )
        return who.department
    if department is None:
        raise ApiError(422, "invalid", "请指定部门（department）", "department")
    return department


def build_router(ctx: OutreachContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    deps = ctx.deps
    Starter = Annotated[Principal, Depends(require("operator", "head"))]
    Staff = Annotated[Principal, Depends(require("head", "department"))]
    Reader = Annotated[Principal, Depends(require("head", "department", "ops", "operator"))]
    Head = Annotated[Principal, Depends(require("head"))]
    HeadOrOps = Annotated[Principal, Depends(require("head", "ops"))]

    @router.post(
        "/campaigns",
        response_model=CampaignView,
        status_code=201,
        summary="发起通知：按小区生成文本并派给网格员",
    )
    async def start(body: CampaignIn, who: Starter) -> CampaignView:
        template = deps.templates.get(body.template)
        if template is None:
            raise ApiError(422, "invalid", f"没有通知模板 {body.template}", "template")
        if who.kind != "operator":
            own(who, template.department)
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            try:
                started = await handlers.start_campaign(
                    session, deps, template, body, who.subject, now
                )
            except UnknownCommunity as exc:
                raise ApiError(422, "invalid", str(exc), "communities") from exc
            ctx.runtime.outbox.add(session, started.events)
        ctx.runtime.outbox.wake()
        metrics.NOTICE_TASKS.labels(template.department, "created").inc(len(started.tasks))
        return _campaign(started.campaign, started.tasks)

    def _campaign(c: CampaignRow, tasks: list[TaskRow]) -> CampaignView:
        who = queries.names(deps)
        at = ctx.runtime.clock.now()
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

    @router.get(
        "/campaigns/{campaign_id}", response_model=CampaignView, summary="一次通知及其各小区任务"
    )
    async def campaign(campaign_id: str, who: Reader) -> CampaignView:
        async with ctx.runtime.db.snapshot() as session:
            repo = OutreachRepository(session)
            row = await repo.campaign(campaign_id)
            if row is None:
                raise ApiError(404, "not_found", f"没有通知 {campaign_id}", "campaign_id")
            if who.department is not None:
                own(who, row.department)
            tasks = await repo.tasks_of(campaign_id)
        return _campaign(row, tasks)

    @router.get(
        "/notice-tasks", response_model=list[TaskView], summary="发送任务（网格员的待发通知）"
    )
    async def tasks(
        who: Reader,
        department: str | None = None,
        worker_id: str | None = None,
        state: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[TaskView]:
        dept = own(who, department) if who.department is not None or department else None
        async with ctx.runtime.db.snapshot() as session:
            rows = await queries.tasks(session, dept, worker_id, state, limit)
        now = ctx.runtime.clock.now()
        return [TaskView.of(r, queries.names(deps), now) for r in rows]

    @router.post(
        "/notice-tasks/{task_id}/sent", response_model=TaskView, summary="已发送（可附截图）"
    )
    async def sent(task_id: str, body: SentIn, who: Staff) -> TaskView:
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            task = await OutreachRepository(session).task(task_id)
            if task is None:
                raise ApiError(404, "not_found", f"没有发送任务 {task_id}", "task_id")
            own(who, task.department)
            events = handlers.mark_sent(task, body, who.subject, now)
            ctx.runtime.outbox.add(session, events)
        if events:
            ctx.runtime.outbox.wake()
            metrics.NOTICE_TASKS.labels(task.department, "sent").inc()
        return TaskView.of(task, queries.names(deps), now)

    @router.post(
        "/wechat-groups",
        response_model=GroupView,
        status_code=201,
        summary="登记小区业主微信群或物业负责人微信",
    )
    async def add_group(body: GroupIn, who: Staff) -> GroupView:
        home = deps.org.department_of_person(body.worker_id)
        if home is None or body.worker_id not in queries.workers_of(deps, home):
            raise ApiError(422, "invalid", f"{body.worker_id} 不是网格员", "worker_id")
        department = own(who, home)
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            row = handlers.record_group(body, department, who.subject, now)
            session.add(row)
            await session.flush()
            ctx.runtime.outbox.add(session, [handlers.group_recorded(row)])
        ctx.runtime.outbox.wake()
        return GroupView.of(row, queries.names(deps))

    @router.get("/wechat-groups", response_model=list[GroupView], summary="微信群登记")
    async def list_groups(who: Reader, department: str | None = None) -> list[GroupView]:
        dept = own(who, department)
        async with ctx.runtime.db.snapshot() as session:
            rows = await OutreachRepository(session).groups(dept)
        return [GroupView.of(r, queries.names(deps)) for r in rows]

    @router.get(
        "/wechat-groups/missing",
        response_model=list[GapView],
        summary="未入群且未加物业负责人的网格员",
    )
    async def missing(who: HeadOrOps, department: str | None = None) -> list[GapView]:
        dept = own(who, department)
        async with ctx.runtime.db.snapshot() as session:
            return await queries.gaps(session, deps, dept)

    @router.post(
        "/wechat-groups/check",
        response_model=GapCheck,
        summary="立即检查：缺群者提交部门负责人确认是否扣分（每人每小区每月一次）",
    )
    async def check(who: HeadOrOps, department: str | None = None) -> GapCheck:
        dept = own(who, department)
        return GapCheck(department=dept, proposed=await check_groups(ctx.runtime, deps, dept))

    @router.post("/trainings", response_model=TrainingView, status_code=201, summary="登记一次培训")
    async def add_training(body: TrainingIn, who: Head) -> TrainingView:
        department = own(who, None)
        workers = queries.workers_of(deps, department)
        unknown = [a for a in body.attendees if a not in workers]
        if unknown:
            raise ApiError(422, "invalid", f"不是本部门网格员：{'、'.join(unknown)}", "attendees")
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            row = handlers.record_training(body, department, who.subject, now)
            session.add(row)
            await session.flush()
            ctx.runtime.outbox.add(session, [handlers.training_recorded(row)])
        ctx.runtime.outbox.wake()
        metrics.TRAININGS.labels(department).inc()
        return TrainingView.of(row)

    @router.get("/trainings/{year}.xlsx", summary="培训登记导出（xlsx）", response_class=Response)
    async def report_xlsx(year: int, who: Reader, department: str | None = None) -> Response:
        dept = own(who, department)
        async with ctx.runtime.db.snapshot() as session:
            view, held = await queries.training_report(
                session, deps, dept, year, ctx.runtime.clock.now()
            )
        data = exports.training_xlsx(view, held, queries.names(deps))
        name = f"trainings-{dept}-{year}.xlsx"
        return Response(
            data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @router.get(
        "/trainings/{year}", response_model=TrainingReport, summary="全年培训次数，不足4次者"
    )
    async def report(year: int, who: Reader, department: str | None = None) -> TrainingReport:
        dept = own(who, department)
        async with ctx.runtime.db.snapshot() as session:
            view, _ = await queries.training_report(
                session, deps, dept, year, ctx.runtime.clock.now()
            )
        return view

    return router
