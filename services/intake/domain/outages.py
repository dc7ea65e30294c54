"""Planned outages: a head or ops opens an incident for some communities and a time window, by
hand, or outreach announces one with a notice (``OutageAnnounced``) and intake opens it alike.
Its primary is an order of the utility's own (a 停水 grid-report order, no outside reply) that
the router dispatches to the area's grid like any order; every supply-failure call (停水, 水压低,
漏水… the area group of 停水) from inside the window and the area links to it at once, so its
callers are answered when the outage is resolved, and the planned outage raises no major event
of its own."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.intake.domain.normalize import CallerIdentity, NormalizedOrder
from shared.clock import to_local
from shared.contracts import Address, OrderReceivedPayload
from shared.organisation import Organisation, community_key
from shared.refusals import Invalid

RULE = "planned_outage"
CATEGORY = "OUTAGE"
LONGEST = timedelta(days=7)


@dataclass(frozen=True)
class Window:
    communities: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    reason: str


def new_outage_id(now: datetime, tail: str) -> str:
    return f"PO-{to_local(now):%Y%m%d}-{tail}"


def covers(keys: list[Any], starts_at: datetime, ends_at: datetime, key: str, at: datetime) -> bool:
    return starts_at <= at <= ends_at and key in keys


def outage_order(outage_id: str, window: Window, by: str, now: datetime) -> NormalizedOrder:
    """The outage as an order of the utility's own: the work of the area's grid."""
    span = f"{to_local(window.starts_at):%m-%d %H:%M}至{to_local(window.ends_at):%m-%d %H:%M}"
    where = "、".join(window.communities)
    payload = OrderReceivedPayload(
        source="grid_report",
        source_ref=outage_id,
        category=CATEGORY,
        category_label="停水",
        source_category="计划停水",
        title=f"计划停水：{where}",
        content=f"计划停水 {span}，范围：{where}。原因：{window.reason}",
        address=Address(text=where, community=window.communities[0]),
        received_at=now,
        reporter_id=by,
        needs_reply=False,
    )
    return NormalizedOrder(
        source="grid_report",
        source_ref=outage_id,
        payload=payload,
        caller=CallerIdentity(name=None, phone=None),
        raw={"planned_outage": outage_id},
        classified_by="planned_outage",
    )


def keys_of(communities: tuple[str, ...]) -> list[str]:
    return [community_key(c)[:100] for c in communities]


def checked_window(
    org: Organisation,
    communities: tuple[str, ...],
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
) -> Window:
    """A head's outage as asked, or why not: a window of at most 7 days, known communities
    (each named as the organisation names it, once)."""
    if ends_at <= starts_at:
        raise Invalid("结束时间须晚于开始时间", "ends_at")
    if ends_at - starts_at > LONGEST:
        raise Invalid("计划停水时段最长 7 天，请分段登记", "ends_at")
    known = {community_key(c): c for c in org.known_communities()}
    unknown = [c for c in communities if community_key(c) not in known]
    if unknown:
        raise Invalid(f"未知小区：{'、'.join(unknown)}", "communities")
    names = tuple(dict.fromkeys(known[community_key(c)] for c in communities))
    return Window(names, starts_at, ends_at, reason.strip())
