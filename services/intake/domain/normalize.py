"""Intake's decisions, pure: the canonical order every source becomes, its id, its address.

Each source's own format is read in ``sources.py`` and mapped to these in ``canonical.py``."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from shared.clock import to_local
from shared.contracts import (
    Address,
    OrderReceived,
    OrderReceivedPayload,
    Priority,
    Source,
)
from shared.contracts.envelopes import envelope

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


def received_event(order_id: str, order: NormalizedOrder, now: datetime) -> OrderReceived:
    return envelope(OrderReceived, order_id, order.payload, now, PRODUCER)
