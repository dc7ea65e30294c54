"""部门负责人's roster changes — 换班, 在岗调整, 请假 — each applying from the next 08:00
handover unless the head asks for 立即生效; then the page first names, per duty unit, who is on
duty now and whom the next escalation would wake (the router's ``/v1/roster/preview``), and the
change is saved only once the head confirms it (issue 19)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.roster import roster_page
from services.console.api.web import Ctx, Form, User, back_to, flash, require_kind
from services.console.queries import ServiceError
from services.console.schemas import LeaveForm, OverrideForm, SwapForm, form_errors
from shared.clock import to_local

HEAD = require_kind("head")
router = APIRouter()


@router.post("/head/roster/swaps", include_in_schema=False)
async def add_swap(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        swap = SwapForm.model_validate(form)
        found = await _roster(ctx, user)
        unit: dict[str, Any] = next(
            (u for u in found["units"] if u["unit"] == swap.unit), {"swaps": []}
        )
        standing = [
            {k: v for k, v in s.items() if k != "unit"}
            for s in unit["swaps"]
            if s["date"] != swap.date.isoformat()
        ]
        swaps = [*standing, swap.entry()]
        # Only a swap of the duty day under way changes who is woken tonight.
        tonight = swap.date.isoformat() == found["duty_date"]
        if tonight and swap.immediate and not swap.confirmed:
            what = f"换班：{swap.date} 由 {ctx.deps.person_name(swap.person)} 值班"
            change = ("swaps", swap.unit, swaps)
            return await _confirm(request, ctx, user, form, "/head/roster/swaps", change, what)
        await ctx.services.put(
            user.caller,
            "router",
            f"/v1/roster/swaps/{swap.unit}",
            {"swaps": swaps, "note": swap.reason, "immediate": swap.immediate},
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        now = "（立即生效）" if tonight else ""
        flash(request, f"已换班：{swap.date} 由 {ctx.deps.person_name(swap.person)} 值班{now}")
    return back_to("/head/roster")


@router.post("/head/roster/overrides", include_in_schema=False)
async def add_override(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        change = OverrideForm.model_validate(form)
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
        return back_to("/head/roster")
    if change.immediate and not change.confirmed:
        name = ctx.deps.person_name(change.person_id)
        state = "在岗" if change.available else "不在岗"
        what = f"{name} 自 {change.from_:%m-%d %H:%M} 起{state}，至 {change.to:%m-%d %H:%M}"
        return await _confirm_person(request, ctx, user, form, change, what)
    await _roster_change(request, ctx, user, form, change, "overrides")
    return back_to("/head/roster")


@router.post("/head/roster/leave", include_in_schema=False)
async def add_leave(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        change = LeaveForm.model_validate(form)
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
        return back_to("/head/roster")
    today = to_local(ctx.clock.now()).date()
    if change.from_ <= today <= change.to:
        # Leave covering today takes the person away at once: only by 立即生效, confirmed.
        if not change.immediate:
            flash(
                request,
                f"该请假包含今天（{today:%m-%d}），保存即立即生效；"
                "请勾选“立即生效”，确认现在值班人与将被叫醒的人后再保存",
                "error",
            )
            return back_to("/head/roster")
        if not change.confirmed:
            name = ctx.deps.person_name(change.person_id)
            what = f"{name} 请假 {change.from_:%m-%d} 至 {change.to:%m-%d}"
            return await _confirm_person(request, ctx, user, form, change, what)
    await _roster_change(request, ctx, user, form, change, "leave")
    return back_to("/head/roster")


async def _roster(ctx: Ctx, user: User) -> dict[str, Any]:
    found: dict[str, Any] = await ctx.services.get(
        user.caller, "router", "/v1/roster", department=user.department
    )
    return found


async def _confirm_person(
    request: Request,
    ctx: Ctx,
    user: User,
    form: dict[str, str],
    change: OverrideForm | LeaveForm,
    what: str,
) -> Response:
    kind = "overrides" if isinstance(change, OverrideForm) else "leave"
    try:
        items = _standing(await _roster(ctx, user), kind, change.person_id)
        action = f"/head/roster/{kind}"
        subject = (kind, change.person_id, [*items, change.entry()])
        return await _confirm(request, ctx, user, form, action, subject, what)
    except ServiceError as exc:
        flash(request, exc.message(), "error")
        return back_to("/head/roster")


async def _confirm(
    request: Request,
    ctx: Ctx,
    user: User,
    form: dict[str, str],
    action: str,
    change: tuple[str, str, list[dict[str, Any]]],
    what: str,
) -> Response:
    """Before 立即生效: the router says, per duty unit, who is on duty now and whom the next
    escalation would wake once the change applies; the page names both before saving."""
    kind, subject, items = change
    preview = await ctx.services.post(
        user.caller, "router", "/v1/roster/preview", {"kind": kind, "subject": subject, kind: items}
    )
    name = ctx.deps.person_name
    effects = []
    for u in preview["units"]:
        before, after = u["on_duty_now"], u["on_duty_if_immediate"]
        parts = [f"值班人立即由 {name(before)} 改为 {name(after)}"] if before != after else []
        if u["woken_now"] != u["woken_if_immediate"]:
            parts.append(
                f"此后的升级将叫醒 {name(u['woken_if_immediate'])}（现为 {name(u['woken_now'])}）"
            )
        if parts:
            effects.append(f"{u['name']}：" + "，".join(parts))
    confirm = {
        "action": action,
        "form": {**form, "confirmed": "true"},
        "what": what,
        "now": [(u["name"], u["on_duty_now"]) for u in preview["units"]],
        "effect": "；".join(effects) or "值班人与升级叫醒的人不变",
    }
    return await roster_page(request, ctx, user, confirm)


def _standing(found: dict[str, Any], kind: str, person: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in item.items() if k != "person"}
        for item in found[kind]
        if item.get("person") == person
    ]


async def _roster_change(
    request: Request,
    ctx: Ctx,
    user: User,
    form: dict[str, str],
    change: OverrideForm | LeaveForm,
    kind: str,
) -> None:
    """The router replaces a person's whole list: the new item is added to what stands."""
    try:
        standing = _standing(await _roster(ctx, user), kind, change.person_id)
        body: dict[str, Any] = {kind: [*standing, change.entry()], "note": form.get("reason", "")}
        # The router refuses leave changing today, as an override before the next handover,
        # without 立即生效: it is said as the head confirmed it.
        body["immediate"] = change.immediate
        url = (
            f"/v1/roster/overrides/{change.person_id}"
            if kind == "overrides"
            else f"/v1/leave/{change.person_id}"
        )
        await ctx.services.put(user.caller, "router", url, body)
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        what = "在岗调整" if kind == "overrides" else "请假"
        later = isinstance(change, OverrideForm) and not change.immediate
        when = f"（自下一次 {ctx.deps.org.rotation.handover:%H:%M} 交接班起生效）" if later else ""
        when = "（立即生效）" if change.confirmed else when
        flash(request, f"已更新 {ctx.deps.person_name(change.person_id)} 的{what}{when}")
