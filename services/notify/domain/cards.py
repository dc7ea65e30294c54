"""A grouped card's clocks as stored with its message: ``kind@due`` entries joined by ``;``.

One message per order and person lists every clock that fired together; a clock fired again
(the SLA service restarted, say) is found among them and tells nobody twice."""

from collections.abc import Iterable
from datetime import datetime

from services.notify.domain.facts import Clock


def format(clocks: Iterable[Clock]) -> str:
    return ";".join(f"{kind}@{due.isoformat()}" for kind, due in clocks)


def parse(stored: str) -> tuple[Clock, ...]:
    found: list[Clock] = []
    for entry in stored.split(";"):
        kind, _, due = entry.partition("@")
        if kind and due:
            found.append((kind, datetime.fromisoformat(due)))
    return tuple(found)


def merge(listed: Iterable[Clock], more: Iterable[Clock]) -> tuple[Clock, ...]:
    """Each clock once, soonest first (the message reads in the order they ran out)."""
    return tuple(sorted(dict.fromkeys([*listed, *more]), key=lambda c: (c[1], c[0])))
