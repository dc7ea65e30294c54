"""部门负责人's duty roster: who is on duty now, the coming week from each 08:00 handover with
the leave on each day, the changes on record, and the rotation. A rotation change applies from
the next handover; 立即生效 first shows who is on duty now and who would be woken, and applies
only once the head confirms it. Swaps, leave and overrides: ``roster_changes``."""

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError
from services.console.schemas import RotationForm, form_errors
from shared.clock import LOCAL_TZ, to_local

HEAD = require_kind("head")
router = APIRouter()


def _on_leave(leave: list[dict[str, Any]], people: set[str], day: date) -> list[dict[str, Any]]:
    return [
        lv
        for lv in leave
        if lv["person"] in people
        and date.fromisoformat(lv["from"]) <= day <= date.fromisoformat(lv["to"])
    ]


def _gaps_on(gaps: list[dict[str, Any]], starts: datetime) -> list[dict[str, Any]]:
    """The coverage findings that overlap the duty day starting at ``starts``."""
    ends = starts + timedelta(days=1)
    return [
        g
        for g in gaps
        if datetime.fromisoformat(g["start"]) < ends and datetime.fromisoformat(g["end"]) > starts
    ]


def found_units(found: dict[str, Any]) -> list[str]:
    return [u["unit"] for u in found["units"]]


async def roster_page(
    request: Request, ctx: Ctx, user: User, confirm: dict[str, Any] | None = None
) -> Response:
    now = ctx.clock.now()
    handover = ctx.deps.org.rotation.handover
    days = [to_local(now).date() + timedelta(days=n) for n in range(7)]
    # Each day's duty from its handover: one duty day runs from one handover to the next.
    found, gaps, audit, *week = await asyncio.gather(
        ctx.services.get(user.caller, "router", "/v1/roster", department=user.department),
        ctx.services.get(user.caller, "router", "/v1/coverage", department=user.department, days=8),
        ctx.services.get(user.caller, "router", "/v1/roster/audit", limit=20),
        *(
            ctx.services.get(
                user.caller,
                "router",
                "/v1/roster",
                department=user.department,
                at=datetime.combine(day, handover, LOCAL_TZ).isoformat(),
            )
            for day in days
        ),
    )
    people = {p["id"] for p in found["people"]}
    calendar = [
        {
            "date": day,
            "duty": {u["unit"]: u["on_duty_now"] for u in on_day["units"]},
            "leave": _on_leave(found["leave"], people, day),
            "gaps": _gaps_on(gaps, datetime.combine(day, handover, LOCAL_TZ)),
        }
        for day, on_day in zip(days, week, strict=True)
    ]
    return render(
        request,
        ctx,
        "roster.html",
        user,
        roster=found,
        calendar=calendar,
        audit=[a for a in audit if a["subject"] in people | set(found_units(found))],
        unit_names={u["unit"]: u["name"] for u in found["units"]},
        handover=f"{handover:%H:%M}",
        confirm=confirm,
    )


@router.get("/head/roster", include_in_schema=False)
async def roster(request: Request, ctx: Ctx, user: User = HEAD) -> Response:
    return await roster_page(request, ctx, user)


@router.post("/head/roster/rotation", include_in_schema=False)
async def set_rotation(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        rotation = RotationForm.model_validate(form)
        found = await ctx.services.get(
            user.caller, "router", "/v1/roster", department=user.department
        )
        ids = {p["name"]: p["id"] for p in found["people"]} | {
            p["id"]: p["id"] for p in found["people"]
        }
        unknown = [n for n in rotation.names() if n not in ids]
        if unknown:
            flash(request, f"本部门没有这些人员：{'、'.join(unknown)}", "error")
            return back_to("/head/roster")
        people = [ids[n] for n in rotation.names()]
        if rotation.immediate and not rotation.confirmed:
            name = next((u["name"] for u in found["units"] if u["unit"] == rotation.unit), "")
            return await _confirm_rotation(
                request, ctx, user, form, (rotation.unit, name or rotation.unit), people
            )
        saved = await _put_rotation(ctx, user, rotation, people)
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, saved)
    return back_to("/head/roster")


async def _confirm_rotation(
    request: Request,
    ctx: Ctx,
    user: User,
    form: dict[str, str],
    unit: tuple[str, str],
    people: list[str],
) -> Response:
    """Before 立即生效: who is on duty now, and who the next escalation would wake instead."""
    preview = await ctx.services.get(
        user.caller, "router", f"/v1/roster/rotations/{unit[0]}/preview", people=people
    )
    now, woken = preview["on_duty_now"], preview["on_duty_if_immediate"]
    effect = (
        f"值班人不变：{ctx.deps.person_name(now)}"
        if now == woken
        else f"值班人立即由 {ctx.deps.person_name(now)} 改为 {ctx.deps.person_name(woken)}；"
        f"此后的升级将叫醒 {ctx.deps.person_name(woken)}"
    )
    confirm = {
        "action": "/head/roster/rotation",
        "form": {**form, "confirmed": "true"},
        "now": [(unit[1], now)],
        "effect": effect,
    }
    return await roster_page(request, ctx, user, confirm)


async def _put_rotation(ctx: Ctx, user: User, rotation: RotationForm, people: list[str]) -> str:
    """Saves the list; answers what the head is told."""
    await ctx.services.put(
        user.caller,
        "router",
        f"/v1/roster/rotations/{rotation.unit}",
        {"people": people, "note": rotation.reason, "immediate": rotation.immediate},
    )
    order = " → ".join(ctx.deps.person_name(p) for p in people)
    if rotation.immediate:
        return f"已更新轮值顺序：{order}（立即生效）"
    when = f"{ctx.deps.org.rotation.handover:%H:%M}"
    return f"已更新轮值顺序：{order}；自下一次 {when} 交接班起生效，当前值班人不变"
