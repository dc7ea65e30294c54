"""The vulnerable-household register's effect on an order, pure (Art. 4.6, 16).

An order from a registered phone number, or from a registered address (same community, building
and unit, and the same room when both name one), is ``special_care`` and more urgent.
"""

from dataclasses import dataclass

from services.intake.domain.phones import digits
from shared.contracts import Address, Priority
from shared.organisation import community_key

PRIORITY_ORDER: tuple[Priority, ...] = ("normal", "urgent", "critical")


@dataclass(frozen=True)
class CareEntry:
    entry_id: int
    phone: str | None
    community_key: str | None
    building: str | None
    unit: str | None
    room: str | None
    reason: str


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip() == (b or "").strip()


def entry_matches(entry: CareEntry, phone: str | None, address: Address) -> bool:
    if entry.phone and phone and digits(entry.phone) == digits(phone):
        return True
    if not (entry.community_key and address.community and entry.building):
        return False
    if community_key(address.community) != entry.community_key:
        return False
    if not (_same(entry.building, address.building) and _same(entry.unit, address.unit)):
        return False
    return not (entry.room and address.room) or _same(entry.room, address.room)


def find_entry(entries: list[CareEntry], phone: str | None, address: Address) -> CareEntry | None:
    return next((e for e in entries if entry_matches(e, phone, address)), None)


def raised(priority: Priority, steps: int, floor: Priority) -> Priority:
    """``steps`` more urgent, and at least ``floor`` (``care`` in config/intake.yaml)."""
    index = min(PRIORITY_ORDER.index(priority) + steps, len(PRIORITY_ORDER) - 1)
    return PRIORITY_ORDER[max(index, PRIORITY_ORDER.index(floor))]
