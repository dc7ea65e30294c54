"""The duty room's read of the SLA service (``/v1/sla/duty-board``): every unresolved order
that is late now or falls due soon, one line per order with all its clocks — the passed ones
too, since those are the orders the duty room must chase."""

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from services.sla.queries import SlaQueries
from services.sla.schemas import BoardClock, BoardOrder, DutyBoard
from services.sla.store import CARD, CLOSED, FIRED, OPEN, DeadlineRow, OrderRow

DONE = ("resolved", "withdrawn", "closed")  # states whose clocks no longer matter


class BoardQueries:
    """The board's two reads, narrowed to the caller's scope."""

    def __init__(self, q: SlaQueries) -> None:
        self.q = q
        self.session = q.session
        self.scope = q.scope

    async def board_clocks(
        self, now: datetime, within: timedelta, asked: set[str], limit: int
    ) -> list[DeadlineRow]:
        """The card deadlines, passed or running, of up to ``limit`` unresolved orders that
        have a clock passed, one falling due within ``within``, or were asked for by id. A
        passed clock stays ``fired``: the duty room must see it, not only future ones."""
        hot = or_(
            DeadlineRow.state == FIRED,
            and_(DeadlineRow.state == OPEN, DeadlineRow.due_at <= now + within),
        )
        if asked:
            hot = or_(hot, DeadlineRow.order_id.in_(asked))
        orders = self.scope.deadlines(
            select(DeadlineRow.order_id)
            .join(OrderRow, OrderRow.order_id == DeadlineRow.order_id)
            .where(DeadlineRow.purpose == CARD, OrderRow.state.not_in(DONE), hot)
            .group_by(DeadlineRow.order_id)
            .order_by(func.min(DeadlineRow.due_at))
            .limit(limit)
        )
        query = (
            select(DeadlineRow)
            .where(
                DeadlineRow.order_id.in_(orders.scalar_subquery()),
                DeadlineRow.purpose == CARD,
                DeadlineRow.state != CLOSED,
            )
            .order_by(DeadlineRow.id)
        )
        return list(await self.session.scalars(query))

    async def platform_open(self, limit: int) -> list[OrderRow]:
        """Unresolved orders with a platform deadline (12345's), soonest first."""
        query = self.scope.orders(
            select(OrderRow)
            .where(OrderRow.state.not_in(DONE), OrderRow.platform_deadline.is_not(None))
            .order_by(OrderRow.platform_deadline)
            .limit(limit)
        )
        return list(await self.session.scalars(query))


async def duty_board(
    q: BoardQueries, now: datetime, within: timedelta, asked: set[str], limit: int
) -> DutyBoard:
    """The duty room's view: orders with a clock passed (latest first), then those with one
    falling due within ``within``, the asked-for rest, and unresolved 12345 orders by their
    platform deadline."""
    rows = await q.board_clocks(now, within, asked, limit)
    platform = await q.platform_open(limit)
    orders = await q.q.orders_by_id({r.order_id for r in rows} | {o.order_id for o in platform})
    clocks: dict[str, dict[str, DeadlineRow]] = {}
    for r in rows:  # by id: a later deadline of a kind (a restart) replaces the earlier
        clocks.setdefault(r.order_id, {})[r.kind] = r
    board = [_board_order(orders[o], list(k.values()), now) for o, k in clocks.items()]
    late = sorted((b for b in board if b.late_seconds > 0), key=lambda b: -b.late_seconds)
    soon = sorted(
        (b for b in board if b.late_seconds == 0 and b.next_due and b.next_due <= now + within),
        key=lambda b: b.next_due or now,
    )
    shown = {b.order_id for b in late + soon}
    by_id = {b.order_id: b for b in board}
    return DutyBoard(
        as_of=now,
        late=late,
        soon=soon,
        asked=[b for b in board if b.order_id not in shown and b.order_id in asked],
        platform=[by_id.get(o.order_id) or _board_order(o, [], now) for o in platform],
    )


def _board_order(order: OrderRow, rows: list[DeadlineRow], now: datetime) -> BoardOrder:
    clocks = [BoardClock.of(r, now) for r in rows]
    # A sign-for clock that passed is met once the order is signed for: late, not late now.
    red = [
        c.seconds_left
        for c in clocks
        if c.state == FIRED and not (c.kind == "acknowledge" and order.acknowledged)
    ]
    if order.platform_deadline is not None:
        red.append(int((order.platform_deadline - now).total_seconds()))
    running = [c.due for c in clocks if c.state == OPEN]
    return BoardOrder(
        order_id=order.order_id,
        source=order.source,
        category=order.category,
        category_label=order.category_label,
        priority=order.priority,
        state=order.state,
        department=order.department,
        assignee_id=order.assignee_id,
        acknowledged=order.acknowledged,
        received_at=order.received_at,
        platform_deadline=order.platform_deadline,
        clocks=clocks,
        late_seconds=max([0, *(-s for s in red)]),
        next_due=min(running, default=None),
    )
