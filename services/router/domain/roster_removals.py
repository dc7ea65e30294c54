"""Removing a swap or an override without 立即生效: what is in force for the duty day under way
stays until the next handover, so a removal saved at night wakes nobody new (issue 19)."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from shared.organisation import Override


def removed_until_handover(
    items: Sequence[dict[str, Any]],
    standing: Sequence[dict[str, Any]],
    starts: datetime,
    now: datetime,
) -> list[dict[str, Any]]:
    """Overrides removed (or edited) without 立即生效 that are in force now: each stays until
    ``starts``, the next handover, so that a removal saved at night does not put tonight's
    person back on duty, or take them off it, behind the duty room's back."""
    ending = []
    for item in standing:
        if item in items:
            continue
        override = Override.model_validate(item)
        if override.from_ <= now < override.to:
            ending.append({**item, "to": min(override.to, starts).isoformat()})
    return ending


def kept_swaps(
    items: Sequence[dict[str, Any]], standing: Sequence[dict[str, Any]], duty_day: date
) -> list[dict[str, Any]]:
    """A swap of the duty day under way removed without 立即生效 stays: the person it put on
    duty tonight remains the one woken until the next handover. A swap the head names for that
    day is what they asked for, and stands as given."""

    def day(item: Mapping[str, Any]) -> date:
        return date.fromisoformat(str(item["date"]))

    if any(day(i) == duty_day for i in items):
        return list(items)
    return [*items, *(s for s in standing if day(s) == duty_day)]
