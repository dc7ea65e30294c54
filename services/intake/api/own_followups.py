"""Our own follow-ups over HTTP, for the hotline's operators: the 回访 list of 96568 and grid
orders, a 回访's result on one (不满意 reopens it, as the platform's 回访 does a 12345 order), and
a 催办 on any order still being handled (the holder and their head are told, as for 12345's)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.api.state import Bus, Runtime
from services.intake.handlers.own_followups import OwnOutcome, RecordOwnCallback, UrgeOrder
from services.intake.own_followups import (
    CallbacksDue,
    OwnCallbackRequest,
    OwnFollowupAccepted,
    UrgeRequest,
)
from services.intake.queries.own_callbacks import callbacks_due
from shared.auth import Principal
from shared.http import require
from shared.params import PathKey

router = APIRouter(prefix="/v1", tags=["our own follow-ups"])
Desk = Annotated[Principal, Depends(require("operator"))]
DeskReader = Annotated[Principal, Depends(require("operator", "ops"))]


def _accepted(outcome: OwnOutcome) -> OwnFollowupAccepted:
    return OwnFollowupAccepted(
        order_id=outcome.order_id,
        message_id=outcome.message_id,
        events=list(outcome.events),
        closed=outcome.closed,
        tries=outcome.tries,
    )


@router.get(
    "/callbacks/due",
    response_model=CallbacksDue,
    summary="回访: 96568 and grid orders resolved since the last working day, not yet called "
    "back this round, by their callback deadline",
)
async def due(who: DeskReader, runtime: Runtime, bus: Bus) -> CallbacksDue:
    async with runtime.db.snapshot() as session:
        return await callbacks_due(session, who, bus.deps, runtime.clock.now())


@router.post(
    "/orders/{order_id}/callback",
    status_code=201,
    response_model=OwnFollowupAccepted,
    summary="回访结果 of a 96568 or grid order: 满意, 基本满意, 不满意 (reopens it) or 联系不上 "
    "(a try; the last allowed one ends the callback)",
)
async def callback(
    order_id: PathKey, body: OwnCallbackRequest, who: Desk, bus: Bus
) -> OwnFollowupAccepted:
    done = await bus.handle(RecordOwnCallback(order_id, body.result, body.opinion, who.subject))
    return _accepted(done.answer)


@router.post(
    "/orders/{order_id}/urge",
    status_code=201,
    response_model=OwnFollowupAccepted,
    summary="催办: the caller rang again about an order still being handled",
)
async def urge(order_id: PathKey, body: UrgeRequest, who: Desk, bus: Bus) -> OwnFollowupAccepted:
    done = await bus.handle(UrgeOrder(order_id, body.content, who.subject))
    return _accepted(done.answer)
