"""A notification becomes deliveries: one stored message per person and channel, in the same
transaction as the inbox claim, each key once. Sending is the delivery job's (jobs.py): a message
is planned once, however often its event is delivered."""

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.config import NotifyDeps
from services.notify.domain import cards as cards_clocks
from services.notify.domain import texts
from services.notify.domain.duty import on_duty
from services.notify.domain.facts import Notification
from services.notify.domain.plan import Planned, Unreachable, plan
from services.notify.store import (
    FAILED,
    PENDING,
    DeliveryRepository,
    TeamDutyRepository,
)
from shared import order_links as links
from shared.contracts import Event, NotificationFailed, NotificationFailedPayload
from shared.contracts.envelopes import envelope

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
    rule = deps.rules.rule(n.notice)  # type: ignore[arg-type]
    team = n.facts.team if n.facts is not None else None
    # The team's duty is read only for a rule that wakes the person on it.
    needs_duty = team is not None and rule is not None and "team_duty" in rule.who
    duty = await TeamDutyRepository(session).days(team) if team and needs_duty else []
    planned, unreachable = plan(n, deps.rules, deps.org, lambda _unit: on_duty(duty, now), now)
    repo = DeliveryRepository(session)
    told: dict[str, bool] = {}
    incident = planned[0].incident_id if planned else None
    if incident and n.facts is not None:
        orders = [o for o in (n.facts.primary_order_id, n.facts.order_id) if o]
        for person in {p.person_id for p in planned}:
            told[person] = await repo.told_about(person, incident, n.notice, orders)
    grouped = n.notice in deps.rules.cards.grouped and n.facts is not None and not incident
    known = await repo.known_keys([p.key for p in planned] + [u.key for u in unreachable])
    rows: list[dict[str, Any]] = []
    added = 0
    for p in planned:
        if told.get(p.person_id) or p.key in known:
            continue
        if grouped:
            await repo.add(rows)  # the card's look-up sees what this call stored before it
            rows = []
            if await _joined_a_card(repo, n, p):
                continue
        rows.append(_delivery(deps, n, p, now))
        known.add(p.key)
        added += 1
    events: list[Event] = []
    for u in unreachable:
        if u.key in known:
            continue
        known.add(u.key)
        rows.append(_unreachable(n, u, now))
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
    await repo.add(rows)
    return Enqueued(added, events)


async def _joined_a_card(repo: DeliveryRepository, n: Notification, p: Planned) -> bool:
    """Whether the card's clocks are already told to the person (a card fired again), or now
    listed on their card about the order still waiting to go (clocks firing together)."""
    assert n.facts is not None
    cards = await repo.cards(n.facts.order_id, n.notice, p.person_id, p.channel)
    if any(c in cards_clocks.parse(row.clocks) for row in cards for c in n.clocks):
        return True
    waiting = [row for row in cards if row.state == PENDING and row.attempts == 0]
    if not waiting:
        return False
    row = waiting[-1]
    clocks = cards_clocks.merge(cards_clocks.parse(row.clocks), n.clocks)
    both = replace(n, clocks=clocks, deadline=min(due for _, due in clocks))
    return await repo.rewrite_unsent(
        row,
        cards_clocks.format(clocks),
        texts.body(both),
        json.dumps(texts.sms_params(both, row.link), ensure_ascii=False),
    )


def _link(deps: NotifyDeps, n: Notification, person_id: str, now: datetime) -> str:
    if n.facts is None:
        return ""
    s = deps.settings
    claims = links.LinkClaims(n.facts.order_id, person_id, n.assignment_id)
    token = links.sign(s.token_secret, claims, now, timedelta(hours=s.link_ttl_hours))
    return links.url(s.resolved_link_base(), token)


def _delivery(deps: NotifyDeps, n: Notification, p: Planned, now: datetime) -> dict[str, Any]:
    link = _link(deps, n, p.person_id, now)
    return {
        "key": p.key,
        "group_key": p.key.rsplit(":", 1)[0],
        "notice": n.notice,
        "order_id": n.facts.order_id if n.facts else None,
        "incident_id": p.incident_id,
        "assignment_id": n.assignment_id,
        "cause_event_id": n.cause_event_id,
        "person_id": p.person_id,
        "person_name": p.person_name,
        "channel": p.channel,
        "target": p.target,
        "title": texts.title(n),
        "text": texts.body(n),
        "link": link,
        "sms_params": json.dumps(texts.sms_params(n, link), ensure_ascii=False),
        "clocks": cards_clocks.format(n.clocks),
        "state": PENDING,
        "attempts": 0,
        "next_attempt_at": now + _hold(deps, n),
        "last_error": "",
        "provider_ref": "",
        "created_at": now,
        "sent_at": None,
    }


def _hold(deps: NotifyDeps, n: Notification) -> timedelta:
    """A grouped card waits a moment for the order's other clocks firing with it."""
    if n.notice in deps.rules.cards.grouped:
        return timedelta(seconds=deps.rules.cards.hold_seconds)
    return timedelta(0)


def _unreachable(n: Notification, u: Unreachable, now: datetime) -> dict[str, Any]:
    return {
        "key": u.key,
        "group_key": u.key.rsplit(":", 1)[0],
        "notice": n.notice,
        "order_id": n.facts.order_id if n.facts else None,
        "incident_id": n.facts.incident_id if n.facts else None,
        "assignment_id": n.assignment_id,
        "cause_event_id": n.cause_event_id,
        "person_id": u.person_id,
        "person_name": u.person_name,
        "channel": u.channel,
        "target": "",
        "title": texts.title(n),
        "text": texts.body(n),
        "link": "",
        "sms_params": "{}",
        "clocks": cards_clocks.format(n.clocks),
        "state": FAILED,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": u.reason,
        "provider_ref": "",
        "created_at": now,
        "sent_at": None,
    }


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
    return envelope(
        NotificationFailed,
        order_id,
        NotificationFailedPayload(
            person_id=person_id,
            person_name=person_name,
            channel=channel,
            reason=reason,
            attempts=max(1, attempts),
            notice=notice,
            assignment_id=assignment_id,
            cause_event_id=UUID(cause_event_id) if cause_event_id else None,
        ),
        now,
        PRODUCER,
    )
