"""The incident page, pure: an incident's members by channel, the callers still owed a reply,
the clocks the log has shown (the assignment's sign-for time, the cards, each 12345 caller's
platform deadline) and one timeline of the incident's own events.

The SLA service holds every clock in full (``GET /v1/sla/orders/{primary}``); the page shows
what the incident's timeline says, so a reader sees the incident without three services open.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from services.intake import replies
from services.intake.store import IncidentRow, OrderRow, ReplyRow, TimelineRow
from shared.clock import to_local
from shared.masking import mask_phone

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


class PageMember(BaseModel):
    order_id: str
    source: str
    state: str
    split: bool
    caller_phone: str | None
    reply: str = Field(examples=["not_needed", "owed", "queued", "sent"])
    platform_deadline: str | None


class PageClock(BaseModel):
    kind: str = Field(examples=["acknowledge", "card", "reply"])
    order_id: str
    due: str | None
    note: str


class PageEntry(BaseModel):
    order_id: str
    occurred_at: str
    type: str
    summary: str


class IncidentPage(BaseModel):
    incident_id: str
    primary_order_id: str
    category: str
    state: str
    members: int
    callers: int
    by_channel: dict[str, int]
    by_channel_label: dict[str, int]
    owed_replies: list[PageMember]
    clocks: list[PageClock]
    timeline: list[PageEntry]
    orders: list[PageMember]


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _reply_state(order: OrderRow, sent: dict[str, ReplyRow]) -> str:
    if replies.channel_for(order.source, bool(order.canonical.get("needs_reply"))) is None:
        return "not_needed"
    row = sent.get(order.order_id)
    if row is None or row.cycle != (order.reply_cycle or 0):
        return "owed"
    return "sent" if row.sent_at is not None else "queued"


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
