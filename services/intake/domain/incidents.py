"""Clustering, pure: which orders are about one thing, and when that thing is a major event.

Two rules (windows in ``config/intake.yaml``): the same caller about the same category within
hours, whatever the channel; and many orders of one area group (leak, outage, low pressure…) in
one community within minutes of each other. A new order joins the newest incident among its
look-alikes, or opens one whose primary is the earliest look-alike.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.clock import to_local

SAME_CALLER = "same_caller"
AREA = "area"


@dataclass(frozen=True)
class Member:
    order_id: str
    received_at: datetime
    incident_id: str | None


@dataclass(frozen=True)
class OpenIncident:
    incident_id: str
    primary_order_id: str
    members: int
    major_raised: bool


@dataclass(frozen=True)
class ClusterDecision:
    incident_id: str
    opens: bool
    rule: str
    primary_order_id: str
    link: tuple[str, ...]
    """Orders newly linked to the incident (never the primary)."""


def new_incident_id(now: datetime, tail: str) -> str:
    """INC-20261127-7F3K9Q; ``tail`` is the random part, drawn by the caller."""
    return f"INC-{to_local(now):%Y%m%d}-{tail}"


def cluster(
    order: Member,
    same_caller: Sequence[Member],
    same_area: Sequence[Member],
    existing: dict[str, OpenIncident],
    new_id: str,
) -> ClusterDecision | None:
    """``same_caller``/``same_area``: earlier orders within the windows (``order`` excluded);
    ``existing``: the incidents those orders already belong to."""
    for rule, looks in ((SAME_CALLER, same_caller), (AREA, same_area)):
        joined = [m for m in looks if m.incident_id in existing]
        if joined:
            newest = max(joined, key=lambda m: m.received_at)
            incident = existing[newest.incident_id or ""]
            return ClusterDecision(
                incident.incident_id, False, rule, incident.primary_order_id, (order.order_id,)
            )
    for rule, looks in ((SAME_CALLER, same_caller), (AREA, same_area)):
        loose = sorted((m for m in looks if m.incident_id is None), key=lambda m: m.received_at)
        if loose:
            primary, *rest = loose
            link = (*(m.order_id for m in rest), order.order_id)
            return ClusterDecision(new_id, True, rule, primary.order_id, link)
    return None


def distinct_callers(members: Sequence[tuple[str, str | None]]) -> int:
    """(order_id, caller phone digits): orders without a caller (grid reports) count alone."""
    return len({phone or f"order:{order_id}" for order_id, phone in members})


def raises_major_event(members: int, threshold: int, already_raised: bool) -> bool:
    return not already_raised and members >= threshold


def link_reason(rule: str, hours: float, minutes: float, label: str) -> str:
    if rule == "planned_outage":
        return f"计划停水期间、停水范围内的{label}来电，并入计划停水事件"
    if rule == SAME_CALLER:
        return f"同一来电人{hours:g}小时内重复反映：{label}"
    return f"同一小区{minutes:g}分钟内多起同类报告：{label}"


def major_reason(members: int, community: str | None, label: str) -> str:
    where = community or "同一区域"
    return f"{where}短时间内{members}起{label}报告，疑似爆管或大面积停水"
