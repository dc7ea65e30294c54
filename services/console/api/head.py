"""部门负责人: the month's scores for the department with each worker's ledger, manual Art. 18
entries (流动红旗, 锦旗…) and corrections, the xlsx, escalated orders, extension requests,
complaint verification and the duty roster."""

import asyncio
from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError
from services.console.schemas import (
    EntryForm,
    LeaveForm,
    OverrideForm,
    RotationForm,
    SwapForm,
    form_errors,
)
from shared.clock import LOCAL_TZ, to_local

HEAD = require_kind("head")


def this_month(now: datetime) -> str:
    return f"{to_local(now):%Y-%m}"


def _own(rows: list[dict[str, Any]], department: str | None) -> list[dict[str, Any]]:
    return [r for r in rows if department is None or r.get("department") == department]


async def _waiting(ctx: Ctx, user: User) -> dict[str, list[dict[str, Any]]]:
    """Orders at the head: escalated to them, asking for an extension, complaints to verify."""
    inbox = await ctx.services.get(user.caller, "router", "/v1/inbox", limit=200)
    items = inbox["items"]
    pending = await ctx.services.get(
        user.caller, "router", "/v1/inbox", extension_pending="true", limit=200
    )
    return {
        "escalated": [i for i in items if i["chain_position"] == "HEAD"],
        "extensions": pending["items"],
        "complaints": [
            i for i in items if i["category"] == "COMPLAINT" and i["state"] != "resolved"
        ],
    }


router = APIRouter()


@router.get("/head", include_in_schema=False)
async def head_page(request: Request, ctx: Ctx, month: str = "", user: User = HEAD) -> Response:
    month = month or this_month(ctx.clock.now())
    scores = await ctx.services.get(user.caller, "scoring", f"/v1/scores/{month}")
    rules = await ctx.services.get(user.caller, "scoring", "/v1/rules", month=month)
    workers = _own(scores["workers"], user.department)
    return render(
        request,
        ctx,
        "head.html",
        user,
        month=month,
        scores=scores,
        workers=workers,
        manual_rules=[r for r in rules if r["entry"] == "manual"],
        waiting=await _waiting(ctx, user),
    )


@router.get("/head/workers/{worker_id}", include_in_schema=False)
async def ledger(
    request: Request, ctx: Ctx, worker_id: str, month: str = "", user: User = HEAD
) -> Response:
    month = month or this_month(ctx.clock.now())
    found = await ctx.services.get(
        user.caller, "scoring", f"/v1/workers/{worker_id}/ledger", month=month
    )
    return render(request, ctx, "ledger.html", user, month=month, ledger=found)


@router.post("/head/entries", include_in_schema=False)
async def enter(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    month = form.get("month", "")
    try:
        entry = EntryForm.model_validate(form)
        await ctx.services.post(
            user.caller,
            "scoring",
            f"/v1/workers/{entry.worker_id}/entries",
            {
                "rule": entry.rule,
                "reason": entry.reason,
                "evidence": entry.evidence or None,
                "month": entry.month,
            },
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"已记录：{ctx.deps.person_name(entry.worker_id)}")
    return back_to(f"/head?month={month}")


@router.post("/head/workers/{worker_id}/entries/{entry_id}/correct", include_in_schema=False)
async def correct(
    request: Request,
    ctx: Ctx,
    worker_id: str,
    entry_id: str,
    form: Form,
    user: User = HEAD,
) -> Response:
    try:
        await ctx.services.post(
            user.caller,
            "scoring",
            f"/v1/workers/{worker_id}/entries/{entry_id}/corrections",
            {"reason": form.get("reason", "")},
        )
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, "已更正")
    return back_to(f"/head/workers/{worker_id}?month={form.get('month', '')}")


@router.get("/head/scores/{month}.xlsx", include_in_schema=False)
async def xlsx(ctx: Ctx, month: str, user: User = HEAD) -> Response:
    found = await ctx.services.call(user.caller, "scoring", "GET", f"/v1/scores/{month}.xlsx")
    return Response(
        found.content,
        media_type=found.headers.get("content-type"),
        headers={"Content-Disposition": f'attachment; filename="scores-{month}.xlsx"'},
    )


@router.get("/head/roster", include_in_schema=False)
async def roster(request: Request, ctx: Ctx, user: User = HEAD) -> Response:
    now = ctx.clock.now()
    days = [to_local(now).date() + timedelta(days=n) for n in range(7)]
    # The duty at noon of each day: one duty day runs from one handover to the next.
    found, *week = await asyncio.gather(
        ctx.services.get(user.caller, "router", "/v1/roster", department=user.department),
        *(
            ctx.services.get(
                user.caller,
                "router",
                "/v1/roster",
                department=user.department,
                at=datetime.combine(day, time(12), LOCAL_TZ).isoformat(),
            )
            for day in days
        ),
    )
    calendar = [
        {"date": day, "duty": {u["unit"]: u["on_duty_now"] for u in on_day["units"]}}
        for day, on_day in zip(days, week, strict=True)
    ]
    return render(request, ctx, "roster.html", user, roster=found, calendar=calendar)


@router.post("/head/roster/swaps", include_in_schema=False)
async def add_swap(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        swap = SwapForm.model_validate(form)
        found = await ctx.services.get(
            user.caller, "router", "/v1/roster", department=user.department
        )
        unit: dict[str, Any] = next(
            (u for u in found["units"] if u["unit"] == swap.unit), {"swaps": []}
        )
        standing = [
            {k: v for k, v in s.items() if k != "unit"}
            for s in unit["swaps"]
            if s["date"] != swap.date.isoformat()
        ]
        await ctx.services.put(
            user.caller,
            "router",
            f"/v1/roster/swaps/{swap.unit}",
            {"swaps": [*standing, swap.entry()], "note": swap.reason},
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        flash(request, f"已换班：{swap.date} 由 {ctx.deps.person_name(swap.person)} 值班")
    return back_to("/head/roster")


@router.post("/head/roster/overrides", include_in_schema=False)
async def add_override(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    await _roster_change(request, ctx, user, form, OverrideForm, "overrides")
    return back_to("/head/roster")


@router.post("/head/roster/leave", include_in_schema=False)
async def add_leave(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    await _roster_change(request, ctx, user, form, LeaveForm, "leave")
    return back_to("/head/roster")


@router.post("/head/roster/rotation", include_in_schema=False)
async def set_rotation(request: Request, ctx: Ctx, form: Form, user: User = HEAD) -> Response:
    try:
        rotation = RotationForm.model_validate(form)
        roster = await ctx.services.get(
            user.caller, "router", "/v1/roster", department=user.department
        )
        ids = {p["name"]: p["id"] for p in roster["people"]} | {
            p["id"]: p["id"] for p in roster["people"]
        }
        unknown = [n for n in rotation.names() if n not in ids]
        if unknown:
            flash(request, f"本部门没有这些人员：{'、'.join(unknown)}", "error")
            return back_to("/head/roster")
        people = [ids[n] for n in rotation.names()]
        await ctx.services.put(
            user.caller,
            "router",
            f"/v1/roster/rotations/{rotation.unit}",
            {"people": people, "note": rotation.reason},
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        order = " → ".join(ctx.deps.person_name(p) for p in people)
        flash(request, f"已更新轮值顺序：{order}")
    return back_to("/head/roster")


async def _roster_change(
    request: Request,
    ctx: Ctx,
    user: User,
    form: dict[str, str],
    model: type[OverrideForm] | type[LeaveForm],
    kind: str,
) -> None:
    """The router replaces a person's whole list: the new item is added to what stands."""
    try:
        change = model.model_validate(form)
        roster = await ctx.services.get(
            user.caller, "router", "/v1/roster", department=user.department
        )
        standing = [
            {k: v for k, v in item.items() if k != "person"}
            for item in roster[kind]
            if item.get("person") == change.person_id
        ]
        url = (
            f"/v1/roster/overrides/{change.person_id}"
            if kind == "overrides"
            else f"/v1/leave/{change.person_id}"
        )
        await ctx.services.put(
            user.caller,
            "router",
            url,
            {kind: [*standing, change.entry()], "note": form.get("reason", "")},
        )
    except ValidationError as exc:
        flash(request, form_errors(exc), "error")
    except ServiceError as exc:
        flash(request, exc.message(), "error")
    else:
        what = "在岗调整" if kind == "overrides" else "请假"
        flash(request, f"已更新 {ctx.deps.person_name(change.person_id)} 的{what}")
