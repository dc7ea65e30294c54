"""Assigned tasks (交办任务, Art. 18(一)7): heads give them, workers see and finish theirs."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.scoring import queries
from services.scoring.api.scores import Bus, Deps
from services.scoring.domain.grid_workers import workers_seen_by
from services.scoring.handlers import AssignTask, FinishTask
from services.scoring.schemas import DoneRequest, TaskRequest, TaskView
from shared.auth import Principal
from shared.http import require
from shared.params import Limit, Offset, PathKey
from shared.state import Runtime

router = APIRouter(prefix="/v1")

Head = Annotated[Principal, Depends(require("head"))]
Staff = Annotated[Principal, Depends(require("head", "department"))]
Reader = Annotated[Principal, Depends(require("head", "department", "ops"))]


@router.post(
    "/tasks",
    response_model=TaskView,
    status_code=201,
    summary="交办任务: a head gives a task to their department's workers (an admin to anyone)",
)
async def assign(body: TaskRequest, who: Head, runtime: Runtime, deps: Deps, bus: Bus) -> TaskView:
    command = AssignTask(who, body.title, body.done_when, body.deadline, tuple(body.worker_ids))
    done = await bus.handle(command)
    async with runtime.db.snapshot() as session:
        return await queries.task(session, deps.org, done.answer, runtime.clock.now())


@router.get(
    "/tasks",
    response_model=list[TaskView],
    summary="交办任务: a worker's own, a head's department's, the office's all",
)
async def listed(
    who: Reader, runtime: Runtime, deps: Deps, limit: Limit = 100, offset: Offset = 0
) -> list[TaskView]:
    if who.kind == "department":
        seen: list[str] | None = [who.subject]
    elif who.kind == "head":
        seen = list(workers_seen_by(deps.org, who))
    else:
        seen = None
    async with runtime.db.snapshot() as session:
        return await queries.tasks(session, deps.org, seen, runtime.clock.now(), (limit, offset))


@router.post(
    "/tasks/{task_id}/done",
    response_model=TaskView,
    summary="完成: the task is done (late after its deadline: −2 for each of its workers, once)",
)
async def finish(
    task_id: PathKey,
    who: Staff,
    runtime: Runtime,
    deps: Deps,
    bus: Bus,
    body: DoneRequest | None = None,
) -> TaskView:
    done = await bus.handle(FinishTask(who, task_id, body.note if body else None))
    async with runtime.db.snapshot() as session:
        return await queries.task(session, deps.org, done.answer, runtime.clock.now())
