"""The 12345 / 96568 reply path, step 1 of 2: a resolved order owes its caller a reply, queued
durably in ``replies`` in the same transaction as the timeline entry.

Step 2 is ``jobs.py`` (the reply sender: a sink per channel, retries, ``ReplySent``); what a
reply says and when to try again is ``domain/replies.py``; ``GET /v1/replies/pending`` lists the
queue for ops (``queries/orders.py``).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps, ReplyRules
from services.intake.domain import replies
from services.intake.domain.followups import WITHDRAWN
from services.intake.handlers.timeline import record_in_timeline
from services.intake.store import OrderRepository, OrderRow, ReplyRepository, ReplyRow
from shared.contracts import Event, OrderResolved, OrderResolvedPayload
from shared.unit_of_work import UnitOfWork


async def queue_reply_on_resolution(
    event: OrderResolved, uow: UnitOfWork, deps: IntakeDeps
) -> Sequence[Event]:
    """Into the timeline, like every order event; then the caller's reply, if one is owed."""
    order = await record_in_timeline(event, uow.session)
    if order is not None:
        await queue_replies(event, order, uow.session, uow.now, deps.rules.replies)
    return []


async def queue_replies(
    event: OrderResolved,
    order: OrderRow,
    session: AsyncSession,
    now: datetime,
    rules: ReplyRules | None = None,
) -> int:
    """The resolved order's caller gets one reply per resolution. An incident's linked orders
    are resolved one by one by the router with the incident's result (``cascaded_from``), so
    each caller is answered from their own order's event — about their own call when it is of
    another kind than the one resolved (``replies.for_caller``) — and a caller split off the
    incident is answered only when their own order is resolved."""
    if order.state == WITHDRAWN:
        return 0  # 撤单: the platform answers the caller itself; we send nothing
    replies_repo = ReplyRepository(session)
    channel = replies.channel_for(order.source, bool(order.canonical.get("needs_reply")))
    cycle = order.reply_cycle or 0
    if channel is None or await replies_repo.has(order.order_id, cycle):
        return 0
    said = await _for_caller(event, order, session, rules or ReplyRules())
    replies_repo.add(
        ReplyRow(
            order_id=order.order_id,
            cycle=cycle,
            channel=channel,
            body=replies.reply_body(
                channel,
                order.source_ref,
                said,
                event.occurred_at,
                order.caller_phone,
                order.incident_id,
            ),
            cause_event_id=str(event.event_id),
            created_at=now,
            due_at=_platform_deadline(order),
            next_attempt_at=now,
            attempts=0,
        )
    )
    return 1


async def _for_caller(
    event: OrderResolved, order: OrderRow, session: AsyncSession, rules: ReplyRules
) -> OrderResolvedPayload:
    resolved = event.payload
    if resolved.cascaded_from is None:
        return resolved
    primary = await OrderRepository(session).get(resolved.cascaded_from)
    return replies.for_caller(
        resolved,
        order.category,
        primary.category if primary is not None else None,
        rules.incident_texts,
        rules.incident_default,
    )


def _platform_deadline(order: OrderRow) -> datetime | None:
    raw = order.canonical.get("platform_deadline")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None
