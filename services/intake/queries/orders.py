"""An order as a reader may see it, with its timeline and replies; the replies still owed."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain.access import (
    caller_identity,
    departments_of,
    masked,
    may_read_timeline,
)
from services.intake.schemas import (
    OrderView,
    PendingReplies,
    PendingReply,
    ReplyView,
    TimelineEntry,
)
from services.intake.store import OrderRepository, OrderRow, ReplyRepository, ReplyRow, TimelineRow
from shared.auth import Principal
from shared.clock import to_local
from shared.refusals import Forbidden, NotFound


async def order_view(session: AsyncSession, order_id: str, who: Principal) -> OrderView:
    """The order with its timeline: for operators, ops and the departments it was given to."""
    repo = OrderRepository(session)
    order = await repo.get(order_id)
    if order is None:
        raise NotFound(f"没有工单 {order_id}", "order_id")
    entries = await repo.timeline(order_id)
    replies = await ReplyRepository(session).for_order(order_id)
    dispatched = (
        str(e.payload.get("department") or "") for e in entries if e.event_type == "OrderDispatched"
    )
    if not may_read_timeline(who, departments_of(order, dispatched)):
        raise Forbidden(f"{who.role} 无权查看未派给本部门的工单 {order_id}", "order_id")
    return _view(order, who, entries, replies)


def _view(
    order: OrderRow, who: Principal, entries: list[TimelineRow], replies: list[ReplyRow]
) -> OrderView:
    name, phone = caller_identity(who, order)
    # Only the caller's phone is shown in full, and only to the handling department: notes
    # and reasons are masked for every reader, whatever an older event stored.
    return OrderView(
        order_id=order.order_id,
        source=order.source,
        source_ref=order.source_ref,
        category=order.category,
        priority=order.priority,
        state=order.state,
        caller_name=name,
        caller_phone=phone,
        received_at=to_local(order.received_at).isoformat(),
        grid=order.grid,
        grid_matched=order.grid_matched,
        special_care=bool(order.special_care),
        incident_id=order.incident_id,
        handling_department=order.handling_department,
        holder_id=order.assignee_id,
        replies=[
            ReplyView(
                channel=r.channel,
                state=_reply_state(r),
                attempts=r.attempts,
                sent_at=to_local(r.sent_at).isoformat() if r.sent_at else None,
                last_error=r.last_error,
            )
            for r in replies
        ],
        timeline=[
            TimelineEntry(
                event_id=e.event_id,
                type=e.event_type,
                occurred_at=to_local(e.occurred_at).isoformat(),
                producer=e.producer,
                summary=masked(e.summary),
                payload=masked(e.payload),
            )
            for e in entries
        ],
    )


async def pending_replies(session: AsyncSession, limit: int) -> PendingReplies:
    """Replies not yet delivered, nearest platform deadline first."""
    repo = ReplyRepository(session)
    rows = await repo.pending(limit)
    count = await repo.pending_count()
    return PendingReplies(
        pending=count,
        items=[
            PendingReply(
                order_id=r.order_id,
                channel=r.channel,
                attempts=r.attempts,
                last_error=r.last_error,
                created_at=to_local(r.created_at).isoformat(),
                next_attempt_at=to_local(r.next_attempt_at).isoformat(),
                platform_deadline=to_local(r.due_at).isoformat() if r.due_at else None,
            )
            for r in rows
        ],
    )


def _reply_state(reply: ReplyRow) -> str:
    if reply.sent_at is not None:
        return "sent"
    return "cancelled" if reply.cancelled_at is not None else "pending"
