"""Each source's format (``sources.py``) as one canonical order or activity event: where the
platform's, the 96568 desk's and the grid app's fields go, classified by the taxonomy, phones
masked in free text. The rules it applies (addresses, priorities, ids) are the domain's."""

from datetime import datetime

from services.intake.domain.normalize import (
    PRODUCER,
    URGENCY_PRIORITY,
    CallerIdentity,
    NormalizedOrder,
    parse_address,
)
from services.intake.domain.taxonomy import Taxonomy
from services.intake.sources import Call96568, GridActivity, GridReport, Order12345
from shared.clock import ensure_aware
from shared.contracts import (
    Address,
    GridActivityPayload,
    GridActivityRecorded,
    OrderReceivedPayload,
)
from shared.contracts.envelopes import envelope
from shared.masking import mask_phone


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
