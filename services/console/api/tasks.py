"""交办任务 (Art. 18(一)7): a head gives a task to their workers with what counts as done and a
deadline, and follows each one's state; a worker sees their own and marks one done. Scoring
owns the tasks and judges late (−2 once); the console only shows and forwards."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.head import this_month
from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError
from services.console.schemas import TaskForm, form_errors

router = APIRouter()
STAFF = require_kind("department", "head")
HEAD = require_kind("head")

# Open first, by deadline; then the finished ones, newest deadline first.
_ORDER = {"late": 0, "open": 1, "done_late": 2, "done": 3}


async def _assignable(ctx: Ctx, user: User) -> list[dict[str, Any]]:
    """The workers scoring assesses in the head's department (the office: everyone)."""
    month = this_month(ctx.clock.now())
    scores = await ctx.services.get(user.caller, "scoring", f"/v1/scores/{month}")
    return [
        w
        for w in scores["workers"]
        if user.department is None or w["department"] == user.department
    ]


@router.get("/tasks", include_in_schema=False)
async def tasks_page(request: Request, ctx: Ctx, user: User = STAFF) -> Response:
    tasks = await ctx.services.get(user.caller, "scoring", "/v1/tasks", limit=200)
    tasks.sort(key=lambda t: (_ORDER.get(t["state"], 9), t["deadline"]))
    assigning = user.kind in ("head", "admin")
    workers = await _assignable(ctx, user) if assigning else []
    return render(
        request, ctx, "tasks.html", user, tasks=tasks, assigning=assigning, workers=workers
    )


@router.post("/tasks", include_in_schema=False)
async def assign(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    # Several workers: the checkboxes repeat the name, which the flat form keeps only once.
    chosen = [str(v) for v in (await request.form()).getlist("worker_ids")]
    try:
        task = TaskForm.model_validate({**form, "worker_ids": chosen})
        await ctx.services.post(
            user.caller,
            "scoring",
            "/v1/tasks",
            {
                "title": task.title,
                "done_when": task.done_when,
                "deadline": task.deadline.isoformat(),
                "worker_ids": task.worker_ids,
            },
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        names = "、".join(ctx.deps.person_name(w) for w in task.worker_ids)
        flash(request, f"已交办：{task.title}（{names}）")
    return back_to("/tasks")


# {assigned_id}, not {task_id}: the notice tasks (outreach) are other tasks.
@router.post("/tasks/{assigned_id}/done", include_in_schema=False)
async def done(
    request: Request, ctx: Ctx, assigned_id: str, form: Form, user: User = STAFF
) -> Response:
    note = form.get("note", "").strip()
    try:
        task = await ctx.services.post(
            user.caller, "scoring", f"/v1/tasks/{assigned_id}/done", {"note": note or None}
        )
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"已完成：{task['title']}（{task['state_label']}）")
    return back_to("/tasks")
