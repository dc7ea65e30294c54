"""Notify's handlers: keep what messages need from the log, plan who hears of what, and store
each message as a delivery in the same transaction as the inbox claim. Sending is the delivery
job's (jobs.py): a message is planned once, however often its event is delivered."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify import links
from services.notify.config import NotifyDeps
from services.notify.domain import texts
from services.notify.domain.duty import on_duty
from services.notify.domain.facts import Notification
from services.notify.domain.plan import Planned, Unreachable, plan
from services.notify.store import (
    FAILED,
    PENDING,
    DeliveryRepository,
    DeliveryRow,
    FactRepository,
    OrderFactRow,
)
from shared.contracts import (
    DuplicateLinked,
    Event,
    MajorEventRaised,
    NotificationFailed,
    NotificationFailedPayload,
    OrderDispatched,
    OrderEvent,
    OrderReceived,
    SlaBreached,
    SlaWarning,
)
from shared.runtime import EventHandler

PRODUCER = "notify"


@dataclass(frozen=True)
class Enqueued:
    messages: int
    events: list[Event]


async def enqueue(
    session: AsyncSession, deps: NotifyDeps, n: Notification, now: datetime
) -> Enqueued:
    """Stores the notification's messages (each key once); people no channel reaches are
    failed at once."""
    planned, unreachable = plan(n, deps.rules, deps.org, lambda unit: on_duty(deps.org, unit, now))
    repo = DeliveryRepository(session)
    told: dict[str, bool] = {}
    incident = n.facts.incident_id if n.facts else None
    if incident and n.facts is not None:
        orders = [o for o in (n.facts.primary_order_id, n.facts.order_id) if o]
        for person in {p.person_id for p in planned}:
            told[person] = await repo.told_about(person, incident, n.notice, orders)
    added = 0
    for p in planned:
        if told.get(p.person_id) or await repo.has_key(p.key):
            continue
        repo.add(_delivery(deps, n, p, now))
        added += 1
    events: list[Event] = []
    for u in unreachable:
        if await repo.has_key(u.key):
            continue
        repo.add(_unreachable(n, u, now))
        if n.facts is not None:
            events.append(
                failed_event(
                    n.facts.order_id,
                    u.person_id,
                    u.person_name,
                    u.channel,
                    u.reason,
                    1,
                    n.notice,
                    n.assignment_id,
                    n.cause_event_id,
                    now,
                )
            )
    await session.flush()
    return Enqueued(added, events)


def _link(deps: NotifyDeps, n: Notification, person_id: str, now: datetime) -> str:
    if n.facts is None:
        return ""
    s = deps.settings
    claims = links.LinkClaims(n.facts.order_id, person_id, n.assignment_id)
    token = links.sign(s.token_secret, claims, now, timedelta(hours=s.link_ttl_hours))
    return links.url(s.resolved_link_base(), token)


def _delivery(deps: NotifyDeps, n: Notification, p: Planned, now: datetime) -> DeliveryRow:
    link = _link(deps, n, p.person_id, now)
    return DeliveryRow(
        key=p.key,
        group_key=p.key.rsplit(":", 1)[0],
        notice=n.notice,
        order_id=n.facts.order_id if n.facts else None,
        incident_id=p.incident_id,
        assignment_id=n.assignment_id,
        cause_event_id=n.cause_event_id,
        person_id=p.person_id,
        person_name=p.person_name,
        channel=p.channel,
        target=p.target,
        title=texts.title(n),
        text=texts.body(n),
        link=link,
        sms_params=json.dumps(texts.sms_params(n, link), ensure_ascii=False),
        state=PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        provider_ref="",
        created_at=now,
    )


def _unreachable(n: Notification, u: Unreachable, now: datetime) -> DeliveryRow:
    return DeliveryRow(
        key=u.key,
        group_key=u.key.rsplit(":", 1)[0],
        notice=n.notice,
        order_id=n.facts.order_id if n.facts else None,
        incident_id=n.facts.incident_id if n.facts else None,
        assignment_id=n.assignment_id,
        cause_event_id=n.cause_event_id,
        person_id=u.person_id,
        person_name=u.person_name,
        channel=u.channel,
        target="",
        title=texts.title(n),
        text=texts.body(n),
        link="",
        sms_params="{}",
        state=FAILED,
        attempts=0,
        next_attempt_at=now,
        last_error=u.reason,
        provider_ref="",
        created_at=now,
    )


def failed_event(
    order_id: str,
    person_id: str,
    person_name: str,
    channel: str,
    reason: str,
    attempts: int,
    notice: str,
    assignment_id: int | None,
    cause_event_id: str | None,
    now: datetime,
) -> NotificationFailed:
    return NotificationFailed(
        order_id=order_id,
        occurred_at=now,
        producer=PRODUCER,
        payload=NotificationFailedPayload(
            person_id=person_id,
            person_name=person_name,
            channel=channel,
            reason=reason,
            attempts=max(1, attempts),
            notice=notice,
            assignment_id=assignment_id,
            cause_event_id=UUID(cause_event_id) if cause_event_id else None,
        ),
    )


# --- what the log tells notify ------------------------------------------------------------------


def _notification(event: OrderEvent, row: OrderFactRow) -> Notification | None:
    facts = row.facts()
    cause = str(event.event_id)
    match event:
        case OrderDispatched(payload=p):
            notice = "dispatched" if p.reason == "initial" else "escalated"
            return Notification(
                notice,
                f"{event.order_id}:{p.assignment_id}",
                facts,
                p.priority,
                assignment_id=p.assignment_id,
                cause_event_id=cause,
            )
        case MajorEventRaised(payload=p):
            return Notification(
                "major", cause, facts, "critical", p.reason, p.notify, cause_event_id=cause
            )
        case SlaWarning(payload=p):
            notice = "reply_due" if p.deadline == "reply" else "yellow_card"
            return Notification(
                notice, cause, facts, facts.priority, deadline=p.due, cause_event_id=cause
            )
        case SlaBreached(payload=p):
            return Notification(
                "red_card", cause, facts, facts.priority, deadline=p.due, cause_event_id=cause
            )
    return None


async def remember(event: OrderEvent, facts: FactRepository) -> OrderFactRow | None:
    """Updates what notify knows of the order; the row, for events that may notify."""
    match event:
        case OrderReceived(payload=p):
            row = await facts.get_or_new(event.order_id)
            row.address = p.address.text
            row.category_label = p.category_label
            row.priority = p.priority
            row.deadline = p.platform_deadline
            return None
        case DuplicateLinked(payload=p):
            for order_id in (event.order_id, p.primary_order_id):
                linked = await facts.get_or_new(order_id)
                linked.incident_id = p.incident_id
                linked.primary_order_id = p.primary_order_id
            return None
        case OrderDispatched(payload=p):
            row = await facts.get_or_new(event.order_id)
            row.department, row.team = p.department, p.team
            row.assignee_id, row.assignment_id, row.ack_due = (
                p.assignee_id,
                p.assignment_id,
                p.ack_due,
            )
            row.priority = p.priority
            return row
        case MajorEventRaised(payload=p):
            row = await facts.get_or_new(event.order_id)
            if p.incident_id and row.incident_id is None:
                row.incident_id = p.incident_id
            if p.department and row.department is None:
                row.department = p.department
            return row
        case SlaWarning() | SlaBreached():
            return await facts.get(event.order_id)
    return None


def make_order_handler(deps: NotifyDeps) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        row = await remember(event, FactRepository(session))
        if row is None:
            return []
        await session.flush()
        n = _notification(event, row)
        return (await enqueue(session, deps, n, now)).events if n is not None else []

    return on_order_event


EVENTS = {
    "OrderReceived": "remember the address, category and deadline",
    "DuplicateLinked": "remember the incident (storm control)",
    "OrderDispatched": "dispatched / escalated → the new assignee",
    "MajorEventRaised": "major → the heads it names, at once",
    "SlaWarning": "yellow_card / reply_due",
    "SlaBreached": "red_card",
}
COMMANDS = {"POST /v1/alerts": "alert → ops (Alertmanager's webhook)"}
