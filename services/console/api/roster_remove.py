"""撤销 on 部门负责人's roster page: one swap, leave or override removed. The router replaces a
unit's or person's whole list, so the page sends the list without the item; a swap or override
in force today stays until the next handover (the router's rule)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.web import Ctx, Form, User, back_to, flash, require_kind
from services.console.queries import ServiceError
from services.console.schemas import RemoveForm, form_errors

HEAD = require_kind("head")
router = APIRouter()


def without(found: dict[str, Any], item: RemoveForm) -> tuple[str, dict[str, Any]]:
    """The router replaces a unit's or person's whole list: the PUT that leaves the item out."""
    if item.kind == "swaps":
        unit: dict[str, Any] = next(
            (u for u in found["units"] if u["unit"] == item.subject), {"swaps": []}
        )
        swaps = [
            {k: v for k, v in s.items() if k != "unit"}
            for s in unit["swaps"]
            if s["date"] != item.at
        ]
        return f"/v1/roster/swaps/{item.subject}", {"swaps": swaps, "note": "撤销换班"}
    standing = [
        {k: v for k, v in i.items() if k != "person"}
        for i in found[item.kind]
        if i.get("person") == item.subject and i["from"] != item.at
    ]
    if item.kind == "leave":
        return f"/v1/leave/{item.subject}", {"leave": standing, "note": "撤销请假"}
    return f"/v1/roster/overrides/{item.subject}", {"overrides": standing, "note": "撤销在岗调整"}


@router.post("/head/roster/remove", include_in_schema=False)
async def remove(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    """One swap, leave or override removed; a swap or override in force today stays until the
    next handover (the router's rule), and the removal is on the page's 变更记录."""
    try:
        item = RemoveForm.model_validate(form)
        found = await ctx.services.get(
            user.caller, "router", "/v1/roster", department=user.department
        )
        url, body = without(found, item)
        await ctx.services.put(user.caller, "router", url, body)
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        what = {"swaps": "换班", "leave": "请假", "overrides": "在岗调整"}[item.kind]
        later = (
            ""
            if item.kind == "leave"
            else (f"；今日已生效的部分至下一次 {ctx.deps.org.rotation.handover:%H:%M} 交接班止")
        )
        flash(request, f"已撤销{what}（{item.at}）{later}")
    return back_to("/head/roster")
