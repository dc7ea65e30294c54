"""通知任务: the notices a grid worker must post to a community's owners' WeChat group (issue 11,
Art. 9-10). Personal WeChat cannot be automated lawfully, so the page gives the text to copy in
one tap and a button to mark it sent; outreach counts it for the Art. 18 ranking. Heads see their
department's tasks."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError

router = APIRouter()
STAFF = require_kind("department", "head")


@router.get("/notices", include_in_schema=False)
async def notices(request: Request, ctx: Ctx, user: User = STAFF) -> Response:
    mine = user.kind == "department" and user.person_id is not None
    params = {"worker_id": user.person_id} if mine else {"department": user.department}
    tasks = await ctx.services.get(user.caller, "outreach", "/v1/notice-tasks", **params)
    tasks.sort(key=lambda t: (t["state"] != "open", t["deadline"]))
    return render(request, ctx, "notices.html", user, tasks=tasks, mine=mine)


@router.post("/notices/{task_id}/sent", include_in_schema=False)
async def mark_sent(
    request: Request, ctx: Ctx, task_id: str, _form: Form, user: User = STAFF
) -> Response:
    try:
        task = await ctx.services.post(
            user.caller, "outreach", f"/v1/notice-tasks/{task_id}/sent", {}
        )
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"已标记发送：{task['community']}")
    return back_to("/notices")
