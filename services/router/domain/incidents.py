"""Incidents in the router, pure: which linked order rides on the incident's assignment, which
is split off to be handled on its own, and who still has to be told of a major event.

The split rule (docs/router.md): a linked order is dispatched on its own when it carries what
the incident's primary order does not —

1. a vulnerable caller (``special_care``, Art. 4.6, 16: served first, not behind a queue);
2. a complaint (it is about a person, and goes to that person's head);
3. an address beyond the incident's area: a community other than the primary's (grids are not
   compared: a leak and an outage call about one burst route to different departments' grids);
4. an incident already resolved: the caller rang after the work was done, so somebody checks.

Everything else is attached to the incident's assignment (state ``linked``). The assignee may
split any linked order later, with a reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from shared.contracts import OrderReceivedPayload, SplitRule
from shared.organisation import community_key

LINKED = "linked"


@dataclass(frozen=True)
class Split:
    rule: SplitRule
    reason: str


@dataclass(frozen=True)
class Primary:
    """What the router knows of the incident's primary order (None fields: not yet seen)."""

    order: OrderReceivedPayload | None
    resolved: bool = False


def split_rule(order: OrderReceivedPayload, primary: Primary) -> Split | None:
    """Why this linked order must be handled on its own, or None to attach it."""
    if order.special_care:
        return Split("vulnerable", "特殊关爱户（独居老人、残疾人等），单独派单优先处理")
    if order.category == "COMPLAINT":
        return Split("complaint", "投诉件单独处理，由被投诉人所在部门负责人核实")
    if primary.resolved:
        return Split("incident_closed", "事件已办结后来电，单独派单核实")
    beyond = _beyond_area(order, primary.order)
    if beyond:
        return Split("address", beyond)
    return None


def _beyond_area(order: OrderReceivedPayload, primary: OrderReceivedPayload | None) -> str | None:
    if primary is None:
        return None  # the primary is not known yet: nothing to compare, attach
    mine, theirs = order.address.community, primary.address.community
    # The incident's area: its primary's community, or the communities a planned outage lists
    # (its address text names them all, "水城花园、东昌首府").
    area = {community_key(c) for c in (theirs or "", *primary.address.text.split("、")) if c}
    if mine and theirs and community_key(mine) not in area:
        return f"地址（{mine}）不在事件区域（{theirs}）内，单独派单"
    return None


def notice_key(order_id: str, primary_order_id: str | None) -> str:
    """Major-event notices are counted per incident, keyed by its primary order."""
    return primary_order_id or order_id


def still_to_tell(notify: Iterable[str], told: frozenset[str]) -> tuple[str, ...]:
    """The recipients not yet told of this incident, in the order given, each once."""
    return tuple(dict.fromkeys(p for p in notify if p not in told))
