"""The order's 办结时限 as the router's inbox is told it: ``ResolveDeadlineSet`` when it opened
or moved (a closed one is not said)."""

from datetime import UTC, datetime

from services.sla import domain
from services.sla.store import ResolveDue
from shared.contracts import Event, ResolveDeadlineSet, ResolveDeadlineSetPayload
from shared.contracts.envelopes import envelope


def resolve_set(order_id: str, due: ResolveDue, now: datetime) -> ResolveDeadlineSet:
    payload = ResolveDeadlineSetPayload(
        due=due.due_at,
        policy_due=due.policy_due,
        platform_due=due.platform_due,
        clock="24h" if due.clock == "24h" else "working_days",
    )
    return envelope(ResolveDeadlineSet, order_id, payload, now, domain.PRODUCER)


def resolve_moved(
    order_id: str, due_before: datetime | None, after: ResolveDue | None, now: datetime
) -> list[Event]:
    """The 办结时限 opened or moved: said on the order's log."""
    if after is None or after.due_at == due_before:
        return []
    return [resolve_set(order_id, after, now)]


def opened(made: list[domain.NewDeadline]) -> ResolveDue | None:
    """The resolution deadline among those just made, as it reads back from the database
    (in UTC), or None."""
    for d in made:
        if d.kind == "resolve" and d.purpose == "card":
            return ResolveDue(
                due_at=d.due.astimezone(UTC),
                policy_due=d.policy_due.astimezone(UTC) if d.policy_due is not None else None,
                platform_due=d.platform_due.astimezone(UTC) if d.platform_due is not None else None,
                clock=d.clock,
            )
    return None
