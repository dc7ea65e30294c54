"""The operators' 回访 list: 96568 and grid orders resolved since the start of the last working
day (Beijing), not yet called back this round, the most pressing first. Read-only."""

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.config import IntakeDeps
from services.intake.domain.access import caller_identity
from services.intake.domain.own_followups import CALLBACK_STATES, callback_due
from services.intake.own_followups import CallbackDue, CallbacksDue
from services.intake.store.own_followups import REACHED, UNREACHED, OwnFollowupRepository
from shared.auth import Principal
from shared.clock import LOCAL_TZ, to_local


def since_last_working_day(now: datetime, deps: IntakeDeps) -> datetime:
    """00:00 Beijing of the working day before today: on a Monday, Friday's and the weekend's."""
    day = deps.calendar.previous_working_day(to_local(now).date())
    return datetime.combine(day, time(0), LOCAL_TZ)


async def callbacks_due(
    session: AsyncSession, who: Principal, deps: IntakeDeps, now: datetime
) -> CallbacksDue:
    rules = deps.callbacks
    since = since_last_working_day(now, deps)
    repo = OwnFollowupRepository(session)
    found = [
        (order, at)
        for order, at in await repo.resolved_since(rules.sources, CALLBACK_STATES, since)
        if order.category not in rules.skip_categories
    ]
    tried = await repo.tries([order.order_id for order, _ in found])
    items = []
    for order, resolved_at in found:
        this_round = (order.reply_cycle or 0) + 1
        mine = [
            t for t in tried if t.order_id == order.order_id and t.body.get("round") == this_round
        ]
        unreached = sum(1 for t in mine if t.kind == UNREACHED)
        if any(t.kind == REACHED for t in mine) or unreached >= rules.max_tries:
            continue
        name, phone = caller_identity(who, order)
        due = callback_due(resolved_at, rules.due_hours)
        canonical = order.canonical
        items.append(
            CallbackDue(
                order_id=order.order_id,
                source=order.source,
                category=order.category,
                round=this_round,
                caller_name=name,
                caller_phone=phone,
                address=str((canonical.get("address") or {}).get("text") or ""),
                content=str(canonical.get("content") or ""),
                resolved_at=resolved_at,
                due_at=due,
                overdue=due < now,
                unreached=unreached,
            )
        )
    items.sort(key=lambda i: (i.due_at, i.order_id))
    return CallbacksDue(since=since, max_tries=rules.max_tries, items=items)
