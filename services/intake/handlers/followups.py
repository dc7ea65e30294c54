"""The 12345 platform's follow-ups on its orders (催办, 督办, 回访, 重办, 撤单, its decisions):
each message kept once by its id, turned into the order's events (``domain/followups.py``) and
put in its timeline in the same transaction. A 撤单 cancels the order's reply still queued.

A message about an order we do not know (the platform often sends a 催办 before, or just after,
the order itself) is kept without one and listed for a person (``GET /v1/followups/unmatched``).
When the order arrives, the kept messages are applied — once each, in the platform's order — as
the order gets its first holder (``apply_held``, on its first ``OrderDispatched`` or
``OrderLinked``): applied on arrival, a 催办 would reach notify before anyone held the order, and
tell nobody."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain.followups import OrderFacts, events_for
from services.intake.followups import FOLLOWUP, Followup12345, parsed
from services.intake.handlers.timeline import record_event, record_once
from services.intake.store import (
    FollowupRepository,
    FollowupRow,
    OrderRepository,
    OrderRow,
    ReplyRepository,
)
from shared.clock import ensure_aware
from shared.contracts import (
    Event,
    OrderDispatched,
    OrderEvent,
    OrderLinked,
    OrderWithdrawn,
)
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
    events = await _applied(followup, order, session, uow.now)
    uow.answer = FollowupOutcome("recorded", order.order_id, tuple(e.type for e in events))
    return events


async def _applied(
    followup: Followup12345, order: OrderRow, session: AsyncSession, now: datetime
) -> list[OrderEvent]:
    """The follow-up's events on the order, in its timeline."""
    facts = OrderFacts(order.order_id, order.state, order.reply_cycle or 0, order.assignee_id)
    events = events_for(parsed(followup), facts, now)
    for event in events:
        await record_once(event, session)
        if isinstance(event, OrderWithdrawn):
            # The platform answers a withdrawn order's caller itself: a reply of ours still
            # queued would contradict it.
            await ReplyRepository(session).cancel_unsent(order.order_id, now)
    return events


async def apply_held(
    event: OrderDispatched | OrderLinked, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """Into the timeline like every order event; then, for a 12345 order, the follow-ups kept
    while it had not arrived, each applied once (it then belongs to the order and is held no
    more; a later dispatch finds none)."""
    await record_event(event, uow, deps)
    session = uow.session
    # A follow-up about an order intake already holds is applied when it comes, never kept:
    # none kept now, none to apply (the locked load below is for the rare one that has some).
    if not await FollowupRepository(session).any_held_for_order(event.order_id):
        return []
    order = await session.get(
        OrderRow, event.order_id, with_for_update=True, populate_existing=True
    )
    if order is None or order.source != "12345":
        return []
    out: list[Event] = []
    for held in await FollowupRepository(session).held_for(order.source_ref):
        held.order_id = order.order_id
        followup = FOLLOWUP.validate_python(held.body)
        applied = await _applied(followup, order, session, uow.now)
        out += [
            e.model_copy(update={"causation_id": e.causation_id or event.event_id}) for e in applied
        ]
        await session.flush()
        await session.refresh(order)  # a 撤单 or a reopen moved it: the next one sees that
    return out
