"""The 12345 platform's follow-ups on its orders (催办, 督办, 回访, 重办, 撤单, its decisions):
each message kept once by its id, turned into the order's events (``domain/followups.py``) and
put in its timeline in the same transaction. A message about an order we do not know is kept
without one, for a person to look at (``GET /v1/followups/unmatched``). A 撤单 cancels the
order's reply still queued."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from services.intake.config import IntakeDeps
from services.intake.domain.followups import OrderFacts, events_for
from services.intake.followups import Followup12345
from services.intake.handlers.timeline import record_once
from services.intake.store import (
    FollowupRepository,
    FollowupRow,
    OrderRepository,
    OrderRow,
    ReplyRepository,
)
from shared.clock import ensure_aware
from shared.contracts import Event, OrderWithdrawn
from shared.unit_of_work import UnitOfWork

FollowupStatus = Literal["recorded", "already_received", "unmatched"]


@dataclass(frozen=True)
class ReceiveFollowup:
    order_no: str
    followup: Followup12345


@dataclass(frozen=True)
class FollowupOutcome:
    status: FollowupStatus
    order_id: str | None
    events: tuple[str, ...] = ()


async def receive_followup(
    command: ReceiveFollowup, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """``uow.answer``: ``FollowupOutcome``."""
    followup, session = command.followup, uow.session
    orders = OrderRepository(session)
    found = await orders.by_source_ref("12345", command.order_no)
    # The order's row locked first, so two messages about one order are decided one at a time.
    order = (
        await session.get(OrderRow, found.order_id, with_for_update=True, populate_existing=True)
        if found is not None
        else None
    )
    kept = FollowupRepository(session)
    earlier = await kept.get(followup.message_id)
    if earlier is not None:
        status: FollowupStatus = "unmatched" if earlier.order_id is None else "already_received"
        uow.answer = FollowupOutcome(status, earlier.order_id)
        return []
    kept.add(
        FollowupRow(
            message_id=followup.message_id,
            order_no=command.order_no,
            order_id=order.order_id if order is not None else None,
            kind=followup.kind,
            at=ensure_aware(followup.at),
            received_at=uow.now,
            body=followup.model_dump(mode="json"),
        )
    )
    if order is None:
        uow.answer = FollowupOutcome("unmatched", None)
        return []
    facts = OrderFacts(order.order_id, order.state, order.reply_cycle or 0, order.assignee_id)
    events = events_for(followup, facts, uow.now)
    for event in events:
        await record_once(event, session)
        if isinstance(event, OrderWithdrawn):
            # The platform answers a withdrawn order's caller itself: a reply of ours still
            # queued would contradict it.
            await ReplyRepository(session).cancel_unsent(order.order_id, uow.now)
    uow.answer = FollowupOutcome("recorded", order.order_id, tuple(e.type for e in events))
    return events
