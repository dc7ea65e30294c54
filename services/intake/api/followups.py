"""The 12345 platform's follow-ups over HTTP: 201 when a message is new, 200 when it was already
received (the platform resends until it hears back), 404 for an order we do not know (the
message is kept, listed for ops at ``GET /v1/followups/unmatched``, and applied once when the
order arrives). Bad input is a 422 in Chinese naming the field, since the platform's staff read
it."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from pydantic import ValidationError

from services.intake.api.state import Bus, Runtime
from services.intake.followups import FOLLOWUP, KINDS
from services.intake.handlers.followups import FollowupOutcome, ReceiveFollowup
from services.intake.queries.followups import unmatched_followups
from services.intake.schemas import FollowupAccepted, UnmatchedFollowups
from shared.auth import Principal
from shared.http import ApiError, require
from shared.params import Limit, Offset, PathKey

router = APIRouter(prefix="/v1", tags=["12345 follow-ups"])
Platform = Annotated[Principal, Depends(require("operator"))]
Ops = Annotated[Principal, Depends(require("ops", "operator"))]

# Pydantic's reasons, said in Chinese for the platform's staff (the English kept in brackets).
_REASONS = {
    "missing": "缺少此字段",
    "extra_forbidden": "不认识的字段",
    "literal_error": "取值不在允许范围内",
    "string_too_short": "不能为空",
    "string_too_long": "文字过长",
    "string_type": "须为文字",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "datetime_type": "须为时间，如 2026-11-28 09:15:32",
    "datetime_parsing": "须为时间，如 2026-11-28 09:15:32",
    "datetime_from_date_parsing": "须为时间，如 2026-11-28 09:15:32",
    "union_tag_invalid": f"kind 须为 {'、'.join(KINDS)} 之一",
    "union_tag_not_found": f"缺少 kind（{'、'.join(KINDS)} 之一）",
    "model_attributes_type": "须为 JSON 对象",
    "model_type": "须为 JSON 对象",
    "value_error": "取值无效",
}


def _field(error: Any) -> str:
    loc = [str(p) for p in error["loc"]]
    if loc and loc[0] in KINDS:
        loc = loc[1:]  # the union's branch, not a field the platform sent
    if error["type"].startswith("union_tag"):
        return "kind"
    return ".".join(loc) or "body"


def _chinese(errors: Sequence[Any]) -> ApiError:
    details = [
        {
            "field": _field(e),
            "reason": f"{_REASONS.get(e['type'], '取值无效')}（{e['msg']}）",
        }
        for e in errors[:20]
    ]
    return ApiError(422, "invalid", details, details[0]["field"] if details else "body")


@router.post(
    "/orders/12345/{order_no}/followups",
    status_code=201,
    response_model=FollowupAccepted,
    responses={200: {"description": "Already received: nothing new"}},
    summary="A 12345 follow-up on an order: 催办, 督办, 回访, 重办, 撤单, or the platform's "
    "answer to our extension or return request",
)
async def receive_followup(
    order_no: PathKey,
    response: Response,
    _who: Platform,
    bus: Bus,
    body: Annotated[Any, Body()],
) -> FollowupAccepted:
    try:
        followup = FOLLOWUP.validate_python(body)
    except ValidationError as exc:
        raise _chinese(exc.errors()) from exc
    done = await bus.handle(ReceiveFollowup(order_no, followup))
    outcome: FollowupOutcome = done.answer
    if outcome.order_id is None:
        detail = (
            f"未找到 12345 工单 {order_no}，消息已留存：工单到达并派单后自动补办一次，"
            "未到达的请人工核对 (no such order yet; kept, applied once it arrives)"
        )
        raise ApiError(404, "not_found", detail, "orderNo")
    response.status_code = 201 if outcome.status == "recorded" else 200
    return FollowupAccepted(
        message_id=followup.message_id,
        status=outcome.status,
        order_id=outcome.order_id,
        events=list(outcome.events),
    )


@router.get(
    "/followups/unmatched",
    response_model=UnmatchedFollowups,
    summary="12345 follow-ups about no order we know, newest first, for a person to look at",
)
async def unmatched(
    _who: Ops, runtime: Runtime, limit: Limit = 100, offset: Offset = 0
) -> UnmatchedFollowups:
    async with runtime.db.snapshot() as session:
        return await unmatched_followups(session, limit, offset)
