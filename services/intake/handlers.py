"""Intake's commands and event handlers: load, decide (domain), save + outbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import replies
from services.intake.domain import activity_event
from services.intake.formats import GridActivity, GridReport, Household
from services.intake.queues import ActivityRepository, CareRepository, ReplyRepository
from services.intake.store import (
    ActivityRow,
    CareEntryRow,
    OrderRepository,
    OrderRow,
    ReplyRow,
    TimelineRow,
)
from services.intake.submit import IntakeDeps, Submitted, submit_order
from services.intake.timeline import summarize
from shared.contracts import (
    Event,
    GridActivityRecorded,
    OrderDispatched,
    OrderEvent,
    OrderLinked,
    OrderResolved,
)
from shared.organisation import community_key
from shared.runtime import EventHandler

__all__ = ["IntakeDeps", "Submitted", "submit_order"]

# The order's state as the timeline shows it, by the event that moved it.
STATE_AFTER = {
    "OrderDispatched": "dispatched",
    "OrderAcknowledged": "acknowledged",
    "OrderReturned": "returned",
    "OrderResolved": "resolved",
    "ReplySent": "replied",
    "OrderReopened": "reopened",
    "OrderLinked": "linked",
    "OrderSplit": "split",
}


def timeline_rows(events: Sequence[OrderEvent]) -> list[TimelineRow]:
    """Intake's own events go into the timeline as they are written, not when read back."""
    return [_timeline_row(e) for e in events]


def make_order_handler(deps: IntakeDeps) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        order = await record_in_timeline(event, session)
        if order is not None and isinstance(event, OrderResolved):
            await queue_replies(event, order, session, now)
        return []

    return on_order_event


async def record_in_timeline(event: OrderEvent, session: AsyncSession) -> OrderRow | None:
    """Every event of an order, from every service, lands in its one timeline (Art. 12).
    Returns the order, or None when the event is not news (unknown order, seen before)."""
    repo = OrderRepository(session)
    order = await repo.get(event.order_id)
    if order is None or await repo.has_timeline_entry(str(event.event_id)):
        return None
    session.add(_timeline_row(event))
    if event.type in STATE_AFTER:
        order.state = STATE_AFTER[event.type]
    if isinstance(event, OrderDispatched):
        # The handling department may see a confidential caller's identity; nobody else.
        order.handling_department = event.payload.department
        order.assignee_id = event.payload.assignee_id
    if isinstance(event, OrderLinked):
        # A linked order's caller is called back by whoever holds the incident.
        order.assignee_id = event.payload.assignee_id
    if event.type == "OrderReopened":
        order.reply_cycle = (order.reply_cycle or 0) + 1  # a new resolution owes a new reply
    return order


async def queue_replies(
    event: OrderResolved, order: OrderRow, session: AsyncSession, now: datetime
) -> int:
    """The resolved order's caller gets one reply per resolution. An incident's linked orders
    are resolved one by one by the router with the incident's result (``cascaded_from``), so
    each caller is answered from their own order's event, and a caller split off the incident
    is answered only when their own order is resolved."""
    replies_repo = ReplyRepository(session)
    channel = replies.channel_for(order.source, bool(order.canonical.get("needs_reply")))
    cycle = order.reply_cycle or 0
    if channel is None or await replies_repo.has(order.order_id, cycle):
        return 0
    replies_repo.add(
        ReplyRow(
            order_id=order.order_id,
            cycle=cycle,
            channel=channel,
            body=replies.reply_body(
                channel,
                order.source_ref,
                event.payload,
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


def _platform_deadline(order: OrderRow) -> datetime | None:
    raw = order.canonical.get("platform_deadline")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None


async def record_activity(
    session: AsyncSession, activity: GridActivity, now: datetime
) -> GridActivityRecorded | None:
    """Once per ``activity_id``: a resend is answered as already recorded."""
    repo = ActivityRepository(session)
    if await repo.exists(activity.activity_id):
        return None
    event = activity_event(activity, now)
    repo.add(
        ActivityRow(
            activity_id=activity.activity_id,
            worker_id=activity.worker_id,
            kind=activity.kind,
            at=event.payload.at,
            recorded_at=now,
            payload=event.payload.model_dump(mode="json"),
        )
    )
    return event


@dataclass(frozen=True)
class HouseholdPlace:
    community: str | None
    building: str | None
    unit: str | None
    room: str | None
    grid: str | None


async def register_household(
    session: AsyncSession, household: Household, place: HouseholdPlace, by: str, now: datetime
) -> CareEntryRow:
    repo = CareRepository(session)
    key = community_key(place.community) if place.community else None
    known = await repo.same_household(
        household.name, household.phone, key, place.building, place.unit, place.room
    )
    if known is not None:
        return known
    row = CareEntryRow(
        name=household.name,
        phone=household.phone,
        community=place.community,
        community_key=key,
        building=place.building,
        unit=place.unit,
        room=place.room,
        reason=household.reason,
        note="",
        grid=place.grid,
        added_by=by,
        added_at=now,
    )
    repo.add(row)
    await session.flush()
    return row


def household_place(report: GridReport) -> HouseholdPlace:
    where = report.location
    return HouseholdPlace(where.community, where.building, where.unit, where.room, report.grid_id)


def _timeline_row(event: OrderEvent) -> TimelineRow:
    return TimelineRow(
        order_id=event.order_id,
        event_id=str(event.event_id),
        event_type=event.type,
        occurred_at=event.occurred_at,
        producer=event.producer,
        payload=event.payload.model_dump(mode="json"),
        summary=summarize(event),
    )
