"""The hotline's telephone over HTTP: the PBX posts Zammad's generic CTI events to
``POST /v1/calls/events`` (form-encoded or JSON, as a Zammad connector sends them), operators read
the call log and the 回拨 tasks and log their callbacks. Bad input is a 422 in Chinese naming the
field, since the people who set up the PBX read it.

The PBX signs in with a ``pbx`` token (``gridline token --role pbx``), sent as a bearer header or,
for a connector that can only be given a URL (as Zammad's ``/api/v1/cti/:token``), as ``?token=``.
"""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from services.intake.api.state import Bus, Runtime
from services.intake.calls import (
    CallAccepted,
    CallbackAttempt,
    Callbacks,
    CallbackView,
    CallerOnLine,
    CallLog,
    CtiEvent,
)
from services.intake.domain.care import find_entry
from services.intake.handlers.callbacks import AttemptOutcome, LogCallbackAttempt
from services.intake.handlers.calls import CallOutcome, RecordCallEvent
from services.intake.metrics import CALLBACKS_CLOSED, CALLS
from services.intake.queries.calls import call_log, callback_view, callbacks
from services.intake.store import CallRepository, CallRow, CareRepository
from shared.auth import AuthError, Principal, read_token
from shared.clock import to_local
from shared.contracts import Address
from shared.http import ApiError, require
from shared.params import Limit, Offset

router = APIRouter(prefix="/v1/calls", tags=["telephone (CTI)"])
Desk = Annotated[Principal, Depends(require("operator", "ops"))]
OnTheLine = Annotated[Principal, Depends(require("operator"))]

FIELD_LABELS = {
    "event": "事件（event）",
    "from": "主叫号码（from）",
    "to": "被叫号码（to）",
    "direction": "呼叫方向（direction）",
    "callId": "呼叫编号（callId）",
    "user": "坐席姓名（user[]）",
    "queue": "队列（queue）",
    "cause": "挂断原因（cause）",
    "answeringNumber": "接听坐席（answeringNumber）",
    "reached": "是否联系上（reached）",
    "note": "备注（note）",
}
_EXPECTED = {
    "event": "应为 newCall、answer 或 hangup",
    "from": "应为电话号码或 anonymous",
    "to": "应为电话号码或 anonymous",
    "direction": "应为 in（呼入）或 out（呼出）",
    "cause": "应为 normalClearing、busy、cancel、noAnswer、congestion、notFound 或 forwarded",
    "reached": "应为 true 或 false",
}
_REASONS = {
    "missing": "缺少此字段",
    "string_too_short": "不能为空",
    "string_too_long": "文字过长",
    "too_long": "个数过多",
    "string_type": "应为文字",
    "extra_forbidden": "不认识的字段",
    "model_attributes_type": "应为 JSON 对象",
}


def _chinese(errors: Sequence[Any]) -> ApiError:
    details = []
    for error in errors[:20]:
        loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
        field = loc[0] if loc else "body"
        reason = _REASONS.get(error["type"]) or _EXPECTED.get(field, "取值无效")
        if error["type"] == "missing":
            reason = _REASONS["missing"]
        label = FIELD_LABELS.get(field, field)
        details.append({"field": field, "reason": f"{label}{reason}（{error['msg']}）"})
    return ApiError(422, "invalid", details, details[0]["field"] if details else "body")


async def _pbx(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))],
    token: Annotated[str, Query(max_length=2000, description="The pbx token, for a URL")] = "",
) -> Principal:
    given = bearer.credentials if bearer is not None else token
    if not given:
        raise ApiError(401, "unauthenticated", "缺少凭据：请用 pbx 令牌 (a pbx token is required)")
    try:
        who = read_token(request.app.state.token_secret, given)
    except AuthError as exc:
        raise ApiError(401, "unauthenticated", f"凭据无效 ({exc})") from exc
    if not who.is_any("pbx", "admin"):
        raise ApiError(403, "forbidden", f"角色 {who.role} 不能上报通话事件 (pbx only)", "role")
    return who


async def _fields(request: Request) -> dict[str, Any]:
    """The event's fields from a JSON object or a form (``user[]`` repeated, as Zammad's)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError as exc:  # not JSON, or not UTF-8
            reason = f"请求体不是有效的 JSON (body is not valid JSON: {exc})"
            raise ApiError(422, "invalid", [{"field": "body", "reason": reason}], "body") from exc
        if not isinstance(body, dict):
            raise _chinese([{"loc": ("body",), "type": "model_attributes_type", "msg": "object"}])
        return body
    form = await request.form()
    fields: dict[str, Any] = {k: v for k, v in form.items() if k not in ("user", "user[]")}
    users = [str(u) for key in ("user", "user[]") for u in form.getlist(key)]
    return {**fields, "user": users} if users else fields


_EVENT_BODY = CtiEvent.model_json_schema(by_alias=True, mode="validation")


@router.post(
    "/events",
    response_model=CallAccepted,
    summary="PBX 通话事件（Zammad 通用 CTI）：newCall、answer、hangup",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _EVENT_BODY},
                "application/x-www-form-urlencoded": {"schema": _EVENT_BODY},
            },
        }
    },
)
async def call_event(
    request: Request, bus: Bus, _who: Annotated[Principal, Depends(_pbx)]
) -> CallAccepted:
    try:
        event = CtiEvent.model_validate(await _fields(request))
    except ValidationError as exc:
        raise _chinese(exc.errors()) from exc
    outcome: CallOutcome = (await bus.handle(RecordCallEvent(event))).answer
    if outcome.status == "recorded" and event.event == "hangup":
        CALLS.labels("missed" if outcome.missed else "answered").inc()
    for _, in_time in outcome.closed:
        CALLBACKS_CLOSED.labels("answered", "yes" if in_time else "no").inc()
    return CallAccepted(
        call_id=event.call_id,
        status=outcome.status,
        missed=outcome.missed,
        callback_id=outcome.callback_id,
    )


@router.get("", response_model=CallLog, summary="通话记录（号码已隐去中间四位）")
async def calls(
    _who: Desk,
    runtime: Runtime,
    phone: Annotated[str, Query(max_length=32, description="来电号码")] = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> CallLog:
    async with runtime.db.snapshot() as session:
        return CallLog(items=await call_log(session, phone, limit, offset))


@router.get("/callbacks", response_model=Callbacks, summary="回拨任务：未接来电待回拨")
async def callback_tasks(
    _who: Desk,
    runtime: Runtime,
    state: Annotated[str, Query(pattern="^(open|reached|unreachable|answered|all)$")] = "open",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Callbacks:
    now = runtime.clock.now()
    async with runtime.db.snapshot() as session:
        return Callbacks(items=await callbacks(session, state, now, limit, offset))


@router.post(
    "/callbacks/{callback_id}/attempts",
    response_model=CallbackView,
    summary="登记一次回拨：联系上即结束；达到次数仍联系不上即以“联系不上”结束",
)
async def log_callback(
    callback_id: int, who: Desk, bus: Bus, runtime: Runtime, body: Annotated[Any, Body()]
) -> CallbackView:
    try:
        attempt = CallbackAttempt.model_validate(body)
    except ValidationError as exc:
        raise _chinese(exc.errors()) from exc
    command = LogCallbackAttempt(callback_id, attempt.reached, attempt.note, who.subject)
    done: AttemptOutcome = (await bus.handle(command)).answer
    if done.state != "open":
        CALLBACKS_CLOSED.labels(done.state, "yes" if done.in_time else "no").inc()
    async with runtime.db.snapshot() as session:
        row = await CallRepository(session).callback(callback_id, lock=False)
        assert row is not None
        return callback_view(row, runtime.clock.now())


@router.get(
    "/{call_id}",
    response_model=CallerOnLine,
    summary="来电弹屏：一通电话的来电号码（完整，仅接线员）与关怀登记",
)
async def caller_on_line(
    call_id: Annotated[str, Path(max_length=250)], who: OnTheLine, runtime: Runtime
) -> CallerOnLine:
    """For the operator's pop-up (the console reads it when the PBX names them): the number in
    full, to the operator the PBX named for this call alone, as they hear it and type it into
    the order; the log and the lists stay masked, and the event on the log carries no number."""
    async with runtime.db.snapshot() as session:
        call = await session.get(CallRow, call_id)
        if call is None:
            raise ApiError(404, "not_found", f"没有通话 {call_id}", "call_id")
        named = {n.lower() for n in [*(call.users or []), call.answered_by or ""] if n}
        if who.subject.lower() not in named and not who.is_any("admin"):
            raise ApiError(403, "forbidden", "这通电话没有转给您，不能查看来电号码", "call_id")
        entries = await CareRepository(session).active_for(call.phone, None)
    return CallerOnLine(
        call_id=call.call_id,
        direction=call.direction,
        phone=call.phone,
        care=find_entry(entries, call.phone, Address()) is not None,
        rang_at=to_local(call.rang_at).isoformat() if call.rang_at else None,
        answered_by=call.answered_by,
    )
