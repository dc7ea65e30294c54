"""部门负责人: the month's scores for the department with each worker's ledger, manual Art. 18
entries (流动红旗, 锦旗…) and corrections, the xlsx, escalated orders, extension requests,
complaint verification; the duty roster is ``roster``."""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from services.console.api.web import Ctx, Form, User, back_to, flash, render, require_kind
from services.console.queries import ServiceError
from services.console.schemas import EntryForm, form_errors
from shared.clock import to_local

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


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


RATE_COLUMNS = (
    ("resolved", "办结", False),
    ("on_time_rate", "按时办结率", True),
    ("callbacks", "回访", False),
    ("satisfaction_rate", "满意率", True),
    ("solved_rate", "解决率", True),
    ("redo_rate", "重办率", True),
    ("urges", "催办", False),
    ("supervisions", "督办", False),
)


async def month_rates(ctx: Ctx, user: User, month: str) -> dict[str, Any] | None:
    """The SLA's rates of the month (docs/sla.md, "Rates"): the department's line, then each of
    its grids; None while the SLA cannot answer (the page shows the rest)."""
    try:
        found = await ctx.services.get(user.caller, "sla", "/v1/sla/rates", month=month)
    except ServiceError:
        return None

    # A grid has no name of its own: its code and its A post, as the routing preview says it.
    a_posts = {g.code: ctx.deps.person_name(g.a_post) for g in ctx.deps.org.grids}

    def row(line: dict[str, Any], grid: bool) -> dict[str, Any]:
        cells = [_percent(line[k]) if pct else str(line[k]) for k, _, pct in RATE_COLUMNS]
        code = line.get("grid") if grid else None
        name = f"网格 {code}（{a_posts.get(code, '')}）" if code else line["name"]
        return {"name": name, "grid": code, "cells": cells}

    lines = [row(d, False) for d in _own(found["departments"], user.department)]
    lines += [row(g, True) for g in _own(found["grids"], user.department)]
    return {"columns": [label for _, label, _ in RATE_COLUMNS], "rows": lines}


router = APIRouter()


@router.get("/head", include_in_schema=False)
async def head_page(
    request: Request, ctx: Ctx, month: str = "", rule: str = "", user: User = HEAD
) -> Response:
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
        # The head often enters the same item for several workers in a row: 登记 keeps it.
        chosen_rule=rule,
        waiting=await _waiting(ctx, user),
        rates=await month_rates(ctx, user, month),
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
    kept = urlencode({"month": month, "rule": form.get("rule", "")})
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
    return back_to(f"/head?{kept}")


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
