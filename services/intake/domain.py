"""Intake's decisions, pure: normalising a source's order into one canonical order."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from services.intake.formats import Order12345
from services.intake.taxonomy import Taxonomy
from shared.clock import ensure_aware, to_local
from shared.contracts import Address, OrderReceived, OrderReceivedPayload, Priority, Source

PRODUCER = "intake"

URGENCY_PRIORITY: dict[str, Priority] = {"一般": "normal", "紧急": "urgent", "特急": "critical"}

_ADDRESS = re.compile(
    r"^(?:[^市]{1,8}市)?"
    r"(?P<district>[^区县市]{1,8}(?:区|县|市))?"
    r"(?:[^街镇乡]{1,10}(?:街道|镇|乡))?"
    r"(?P<community>.+?)"
    r"(?:(?P<building>\d+)(?:号楼|栋|幢|号))?"
    r"(?:(?P<unit>\d+)单元)?"
    r"(?:(?P<room>\d+)(?:室|号)?)?$"
)


def parse_address(text: str) -> Address:
    """聊城市东昌府区柳园街道水城花园3号楼2单元 → district 东昌府区, community 水城花园, 3, 2."""
    cleaned = re.sub(r"\s+", "", text)
    match = _ADDRESS.match(cleaned)
    if not match:
        return Address(text=text)
    return Address(
        text=text,
        district=match["district"],
        community=match["community"] or None,
        building=match["building"],
        unit=match["unit"],
        room=match["room"],
    )


def new_order_id(now: datetime, token: str | None = None) -> str:
    """GL-20261127-7F3K9Q: readable on the phone, sortable by day, unique by its random tail."""
    tail = token or secrets.token_hex(4).upper()
    return f"GL-{to_local(now):%Y%m%d}-{tail}"


@dataclass(frozen=True)
class CallerIdentity:
    name: str | None
    phone: str | None
    confidential: bool = False


@dataclass(frozen=True)
class NormalizedOrder:
    """One canonical order, whatever its source; the caller's identity stays with intake."""

    source: Source
    source_ref: str
    payload: OrderReceivedPayload
    caller: CallerIdentity
    raw: dict[str, object] = field(default_factory=dict)
    classified_by: str = ""


def normalize_12345(order: Order12345, taxonomy: Taxonomy, now: datetime) -> NormalizedOrder:
    category, how = taxonomy.classify(order.category, order.title, order.content)
    payload = OrderReceivedPayload(
        source="12345",
        source_ref=order.orderNo,
        category=category,
        category_label=taxonomy.label(category),
        source_category=order.category,
        title=order.title,
        content=order.content,
        priority=URGENCY_PRIORITY[order.urgency],
        address=parse_address(order.address),
        received_at=ensure_aware(order.acceptTime),
        platform_deadline=ensure_aware(order.deadline) if order.deadline else None,
        needs_reply=order.needReply,
    )
    return NormalizedOrder(
        source="12345",
        source_ref=order.orderNo,
        payload=payload,
        caller=CallerIdentity(order.callerName, order.callerPhone, order.confidential),
        raw=order.model_dump(mode="json"),
        classified_by=how,
    )


def received_event(order_id: str, order: NormalizedOrder, now: datetime) -> OrderReceived:
    return OrderReceived(
        order_id=order_id, occurred_at=now, producer=PRODUCER, payload=order.payload
    )
