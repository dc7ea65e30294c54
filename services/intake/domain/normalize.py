"""Intake's decisions, pure: normalising a source's order into one canonical order."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from services.intake.domain.taxonomy import Taxonomy
from services.intake.sources import Call96568, GridActivity, GridReport, Order12345
from shared.clock import ensure_aware, to_local
from shared.contracts import (
    Address,
    GridActivityPayload,
    GridActivityRecorded,
    OrderReceived,
    OrderReceivedPayload,
    Priority,
    Source,
)
from shared.contracts.envelopes import envelope
from shared.masking import mask_phone

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


_BARE_SUFFIXES = frozenset({"花园", "小区", "社区", "家园", "公寓", "苑", "新村"})


def parse_address(text: str) -> Address:
    """聊城市东昌府区柳园街道水城花园3号楼2单元 → district 东昌府区, community 水城花园, 3, 2."""
    cleaned = re.sub(r"\s+", "", text)
    match = _ADDRESS.match(cleaned)
    if not match:
        return Address(text=text)
    district: str | None = match["district"]
    community: str | None = match["community"] or None
    if district and community and community in _BARE_SUFFIXES:
        # 开发区花园 is a community, not the district 开发区 plus a nameless 花园.
        community = district + community
        district = None
    return Address(
        text=text,
        district=district,
        community=community,
        building=match["building"],
        unit=match["unit"],
        room=match["room"],
    )


def new_order_id(now: datetime, tail: str) -> str:
    """GL-20261127-7F3K9Q: readable on the phone, sortable by day, unique by its random tail
    (drawn by the caller: the domain decides nothing by chance)."""
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
    major_event: str | None = None
    """A grid worker's report of a major event (Art. 7): raised at once, whatever the count."""


def normalize_12345(order: Order12345, taxonomy: Taxonomy, now: datetime) -> NormalizedOrder:
    category, how = taxonomy.classify(order.category, order.title, order.content)
    payload = OrderReceivedPayload(
        source="12345",
        source_ref=order.orderNo,
        category=category,
        category_label=taxonomy.label(category),
        source_category=order.category,
        title=mask_phone(order.title),
        content=mask_phone(order.content),
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


def normalize_96568(call: Call96568, taxonomy: Taxonomy, now: datetime) -> NormalizedOrder:
    category, how = taxonomy.classify(call.type, call.description)
    given = call.address
    parsed = parse_address(given.text) if given.text and not given.community else None
    address = Address(
        text=given.text
        or "".join(
            p or ""
            for p in (
                given.district,
                given.community,
                _suffix(given.building, "号楼"),
                _suffix(given.unit, "单元"),
                _suffix(given.room, "室"),
            )
        ),
        district=given.district or (parsed.district if parsed else None),
        community=given.community or (parsed.community if parsed else None),
        building=given.building or (parsed.building if parsed else None),
        unit=given.unit or (parsed.unit if parsed else None),
        room=given.room or (parsed.room if parsed else None),
    )
    payload = OrderReceivedPayload(
        source="96568",
        source_ref=call.ticket_id,
        category=category,
        category_label=taxonomy.label(category),
        source_category=call.type,
        title=call.type,
        content=mask_phone(call.description),
        priority=URGENCY_PRIORITY[call.urgency],
        address=address,
        account_no=call.account_no,
        named_worker_id=call.named_worker_id,
        received_at=ensure_aware(call.received_at),
        appointment_at=ensure_aware(call.appointment) if call.appointment else None,
    )
    return NormalizedOrder(
        source="96568",
        source_ref=call.ticket_id,
        payload=payload,
        caller=CallerIdentity(call.customer.name, call.customer.phone),
        raw=call.model_dump(mode="json"),
        classified_by=how,
    )


def _suffix(value: str | None, suffix: str) -> str:
    return f"{value}{suffix}" if value else ""


GRID_REPORT_TITLE = {
    "facility": "网格巡查发现",
    "user_demand": "入户用户诉求",
    "major_event": "重大事项",
}


def normalize_grid_report(report: GridReport, taxonomy: Taxonomy, now: datetime) -> NormalizedOrder:
    """A facility finding, a user's demand met on a visit, or a major event (not a household:
    those go to the care register, see ``household_of``)."""
    words = report.finding or report.category or ""
    category, how = taxonomy.classify(words, report.note, report.location.note)
    where = report.location
    label = words or taxonomy.label(category)
    priority = URGENCY_PRIORITY[report.urgency]
    if report.kind == "major_event":
        priority = "critical"
    payload = OrderReceivedPayload(
        source="grid_report",
        source_ref=report.report_id,
        category=category,
        category_label=taxonomy.label(category),
        source_category=words,
        title=f"{GRID_REPORT_TITLE.get(report.kind, report.kind)}：{label}",
        content=mask_phone("\n".join(p for p in (report.note, where.note) if p)),
        priority=priority,
        address=Address(
            text=" ".join(p for p in (where.community, where.note) if p),
            community=where.community,
            building=where.building,
            unit=where.unit,
            room=where.room,
        ),
        grid_hint=report.grid_id,
        reporter_id=report.worker_id,
        received_at=ensure_aware(report.reported_at),
        needs_reply=False,
    )
    return NormalizedOrder(
        source="grid_report",
        source_ref=report.report_id,
        payload=payload,
        caller=CallerIdentity(report.caller_name, report.caller_phone),
        raw=report.model_dump(mode="json"),
        classified_by=how,
        major_event=(
            f"网格员 {report.worker_id} 上报重大事项：{mask_phone(report.note) or words}"
            if report.kind == "major_event"
            else None
        ),
    )


def activity_event(activity: GridActivity, now: datetime) -> GridActivityRecorded:
    return envelope(
        GridActivityRecorded,
        activity.worker_id,
        GridActivityPayload(
            activity_id=activity.activity_id,
            worker_id=activity.worker_id,
            kind=activity.kind,
            channel=activity.channel,
            customer_signed=activity.customer_signed,
            at=ensure_aware(activity.at),
            note=mask_phone(activity.note),
        ),
        now,
        PRODUCER,
    )


def received_event(order_id: str, order: NormalizedOrder, now: datetime) -> OrderReceived:
    return envelope(OrderReceived, order_id, order.payload, now, PRODUCER)
