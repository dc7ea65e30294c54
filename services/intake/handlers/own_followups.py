"""An operator's own follow-ups on an order (``domain/own_followups.py``): a 回访 of a 96568 or
grid order, or a 催办 of any order still being handled. Kept like the platform's messages and put
in the order's timeline in the same transaction; the events go out as the platform's do."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.intake.config import IntakeDeps
from services.intake.domain.own_followups import (
    OwnOrder,
    Result,
    callback_closed,
    callback_events,
    check_callback,
    urge_event,
)
from services.intake.handlers.timeline import record_once
from services.intake.store import FollowupRow, OrderRow
from services.intake.store.own_followups import REACHED, UNREACHED, URGED, OwnFollowupRepository
from shared.contracts import Event
from shared.refusals import Conflict, NotFound
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RecordOwnCallback:
    order_id: str
    result: Result
    opinion: str
    by: str


@dataclass(frozen=True)
class UrgeOrder:
    order_id: str
    content: str
    by: str


@dataclass(frozen=True)
class OwnOutcome:
    order_id: str
    message_id: str
    events: tuple[str, ...]
    closed: bool = True
    tries: int = 1


async def _locked(uow: UnitOfWork, order_id: str) -> tuple[OrderRow, OwnOrder]:
    # The order's row locked first, so two operators' taps on one order go one at a time.
    order = await uow.session.get(OrderRow, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise NotFound(f"没有工单 {order_id}", "order_id")
    facts = OwnOrder(
        order.order_id, order.source, order.state, order.reply_cycle or 0, order.assignee_id
    )
    return order, facts


def _kept(order: OrderRow, kind: str, uow: UnitOfWork, body: dict[str, object]) -> FollowupRow:
    return FollowupRow(
        message_id=f"own-{uuid.uuid4()}",
        order_no=order.order_id,
        order_id=order.order_id,
        kind=kind,
        at=uow.now,
        received_at=uow.now,
        body=body,
    )


async def record_own_callback(
    command: RecordOwnCallback, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """``uow.answer``: ``OwnOutcome`` (``closed`` false while tries remain unreached)."""
    order, facts = await _locked(uow, command.order_id)
    rules = deps.callbacks
    check_callback(facts, rules.sources)
    repo = OwnFollowupRepository(uow.session)
    this_round = [
        r for r in await repo.tries([order.order_id]) if r.body.get("round") == facts.round
    ]
    unreached = sum(1 for r in this_round if r.kind == UNREACHED)
    if any(r.kind == REACHED for r in this_round) or unreached >= rules.max_tries:
        raise Conflict(f"工单 {order.order_id} 本轮已回访完毕", "order_id")
    kind = UNREACHED if command.result == "联系不上" else REACHED
    body: dict[str, object] = {
        "round": facts.round,
        "result": command.result,
        "opinion": command.opinion,
        "by": command.by,
    }
    row = _kept(order, kind, uow, body)
    repo.add(row)
    events = callback_events(
        facts, command.result, command.opinion, command.by, row.message_id, uow.now
    )
    for event in events:
        await record_once(event, uow.session)
    uow.answer = OwnOutcome(
        order.order_id,
        row.message_id,
        tuple(e.type for e in events),
        callback_closed(command.result, unreached, rules.max_tries),
        len(this_round) + 1,
    )
    return events


async def urge_order(command: UrgeOrder, uow: UnitOfWork, deps: IntakeDeps) -> Sequence[Event]:
    """``uow.answer``: ``OwnOutcome``."""
    order, facts = await _locked(uow, command.order_id)
    row = _kept(order, URGED, uow, {"content": command.content, "by": command.by})
    event = urge_event(facts, command.content, row.message_id, uow.now)
    OwnFollowupRepository(uow.session).add(row)
    await record_once(event, uow.session)
    uow.answer = OwnOutcome(order.order_id, row.message_id, (event.type,))
    return [event]
