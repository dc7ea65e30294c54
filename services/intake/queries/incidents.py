"""An incident as anyone signed in reads it: its members (``GET /v1/incidents/{id}``), and its
page: members by channel, the callers still owed a reply (each with their own category and what
their reply says: the worker sees who will be answered, and with what), the clocks the log has
shown (the assignment's sign-for time, the cards, each 12345 caller's platform deadline) and
one timeline of the incident's own events. Callers' phones are masked for everyone (the
handling department sees them in full on each order's view).

The SLA service holds every clock in full (``GET /v1/sla/orders/{primary}``); the page shows
what the incident's timeline says, so a reader sees the incident without three services open.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain import incidents, phones, replies
from services.intake.domain.access import masked
from services.intake.schemas import (
    IncidentMember,
    IncidentPage,
    IncidentView,
    PageClock,
    PageEntry,
    PageMember,
)
from services.intake.store import ClusterQueries, IncidentRow, OrderRow, ReplyRow, TimelineRow
from shared.clock import to_local
from shared.masking import mask_phone
from shared.refusals import NotFound

# The incident's own story: what happened to the work, not every member's copy of it.
PRIMARY_EVENTS = frozenset(
    {
        "OrderReceived",
        "OrderDispatched",
        "OrderAcknowledged",
        "AppointmentSet",
        "ProgressNoted",
        "OrderReturned",
        "ExtensionGranted",
        "OrderResolved",
        "OrderReopened",
        "AckOverdue",
        "SlaWarning",
        "SlaBreached",
        "MajorEventRaised",
    }
)
MEMBER_EVENTS = frozenset({"DuplicateLinked", "OrderSplit", "MajorEventRaised"})
CHANNEL_LABELS = {"12345": "12345热线", "96568": "96568服务热线", "grid_report": "网格上报"}


async def incident_view(session: AsyncSession, incident_id: str) -> IncidentView:
    queries = ClusterQueries(session)
    incident = await queries.incident(incident_id)
    if incident is None:
        raise NotFound(f"没有事件 {incident_id}", "incident_id")
    members = await queries.members(incident_id)
    return IncidentView(
        incident_id=incident.incident_id,
        rule=incident.rule,
        primary_order_id=incident.primary_order_id,
        category=incident.category,
        members=incident.members,
        major_event=incident.major_raised_at is not None,
        orders=[
            IncidentMember(
                order_id=m.order_id,
                source=m.source,
                category=m.category,
                received_at=to_local(m.received_at).isoformat(),
                caller_phone=None
                if m.confidential or not m.caller_phone
                else mask_phone(m.caller_phone),
            )
            for m in members
        ],
    )


async def incident_page(session: AsyncSession, incident_id: str) -> IncidentPage:
    queries = ClusterQueries(session)
    incident = await queries.incident(incident_id)
    if incident is None:
        raise NotFound(f"没有事件 {incident_id}", "incident_id")
    members = await queries.members(incident_id)
    ids = [m.order_id for m in members]
    timeline = list(
        await session.scalars(
            select(TimelineRow)
            .where(TimelineRow.order_id.in_(ids))
            .order_by(TimelineRow.occurred_at, TimelineRow.id)
        )
    )
    reply_rows = list(
        await session.scalars(
            select(ReplyRow).where(ReplyRow.order_id.in_(ids)).order_by(ReplyRow.cycle)
        )
    )
    latest = {r.order_id: r for r in reply_rows}  # the last cycle's reply per order
    callers = incidents.distinct_callers(
        [(m.order_id, phones.digits(m.caller_phone) or None) for m in members]
    )
    return build_page(incident, members, latest, timeline, callers)


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _reply_state(order: OrderRow, sent: dict[str, ReplyRow]) -> str:
    if replies.channel_for(order.source, bool(order.canonical.get("needs_reply"))) is None:
        return "not_needed"
    row = sent.get(order.order_id)
    if row is None or row.cycle != (order.reply_cycle or 0):
        return "owed"
    if row.sent_at is None and row.cancelled_at is not None:
        return "cancelled"
    return "sent" if row.sent_at is not None else "queued"


def _reply_text(order: OrderRow, sent: dict[str, ReplyRow]) -> str | None:
    row = sent.get(order.order_id)
    if row is None or row.cycle != (order.reply_cycle or 0):
        return None
    said = row.body.get("replyContent") or row.body.get("message")
    return str(masked(said)) if isinstance(said, str) else None


def _member(order: OrderRow, sent: dict[str, ReplyRow], split: bool) -> PageMember:
    deadline = order.canonical.get("platform_deadline")
    return PageMember(
        order_id=order.order_id,
        source=order.source,
        state=order.state,
        split=split,
        caller_phone=None
        if order.confidential or not order.caller_phone
        else mask_phone(order.caller_phone),
        reply=_reply_state(order, sent),
        platform_deadline=_local(datetime.fromisoformat(deadline)) if deadline else None,
        category=order.category,
        category_label=str(order.canonical.get("category_label", order.category)),
        reply_text=_reply_text(order, sent),
    )


def _clocks(primary: Sequence[TimelineRow], owed: Sequence[PageMember]) -> list[PageClock]:
    clocks: list[PageClock] = []
    dispatches = [t for t in primary if t.event_type == "OrderDispatched"]
    signed = any(t.event_type == "OrderAcknowledged" for t in primary)
    if dispatches and not signed:
        last = dispatches[-1]
        who = last.payload.get("assignee_name") or last.payload.get("assignee_id")
        clocks.append(
            PageClock(
                kind="acknowledge",
                order_id=last.order_id,
                due=_local(datetime.fromisoformat(str(last.payload.get("ack_due")))),
                note=f"待 {who} 签收",
            )
        )
    for card in (t for t in primary if t.event_type in ("SlaWarning", "SlaBreached")):
        due = card.payload.get("due")
        colour = "黄牌" if card.event_type == "SlaWarning" else "红牌"
        clocks.append(
            PageClock(
                kind="card",
                order_id=card.order_id,
                due=_local(datetime.fromisoformat(due)) if isinstance(due, str) else None,
                note=f"{colour}：{card.payload.get('deadline')}",
            )
        )
    for member in owed:
        if member.platform_deadline:
            clocks.append(
                PageClock(
                    kind="reply",
                    order_id=member.order_id,
                    due=member.platform_deadline,
                    note="12345 平台答复时限",
                )
            )
    return clocks


def build_page(
    incident: IncidentRow,
    members: Sequence[OrderRow],
    sent: dict[str, ReplyRow],
    timeline: Sequence[TimelineRow],
    callers: int,
) -> IncidentPage:
    """``timeline``: every member's entries (the page keeps the incident's own story)."""
    split = {t.order_id for t in timeline if t.event_type == "OrderSplit"}
    orders = [_member(m, sent, m.order_id in split) for m in members]
    owed = [o for o in orders if o.reply in ("owed", "queued")]
    primary_id = incident.primary_order_id
    story = [
        t
        for t in timeline
        if (t.order_id == primary_id and t.event_type in PRIMARY_EVENTS)
        or (t.order_id != primary_id and t.event_type in MEMBER_EVENTS)
    ]
    channels = Counter(m.source for m in members)
    state = next((m.state for m in members if m.order_id == primary_id), "received")
    return IncidentPage(
        incident_id=incident.incident_id,
        primary_order_id=primary_id,
        category=incident.category,
        state=state,
        members=len(members),
        callers=callers,
        by_channel=dict(channels),
        by_channel_label={CHANNEL_LABELS.get(k, k): n for k, n in channels.items()},
        owed_replies=owed,
        clocks=_clocks([t for t in timeline if t.order_id == primary_id], owed),
        timeline=[
            PageEntry(
                order_id=t.order_id,
                occurred_at=to_local(t.occurred_at).isoformat(),
                type=t.event_type,
                summary=t.summary,
            )
            for t in sorted(story, key=lambda t: (t.occurred_at, t.id))
        ],
        orders=orders,
    )
