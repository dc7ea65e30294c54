"""Which limits apply to an order, and on which time basis: the rules of the policy file and
how they layer (the file itself is read and checked in ``config``; these are plain values).

``config/sla_policies.yaml`` holds layered rules. Every rule names what it matches (source,
categories, priorities; left out = any) and the limits it sets. All matching rules apply, the
less specific first, so a rule for "12345 × leak" overrides one for "12345" only in the limits it
names. A limit is written ``30m``, ``24h``, ``2d`` (24-hour clock) or ``5wd`` (working days);
``null`` means the order has no such limit.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.workdays import WorkCalendar

LimitName = Literal["acknowledge", "arrive", "resolve", "reply"]
LIMIT_NAMES: tuple[LimitName, ...] = ("acknowledge", "arrive", "resolve", "reply")
TimeBasis = Literal["24h", "working_days"]
"""The 24-hour clock or working days: how a limit counts (the ``clock`` column and field)."""

_LIMIT = re.compile(r"^\s*(\d+)\s*(m|h|d|wd)\s*$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


@dataclass(frozen=True)
class Limit:
    """One limit: an amount on the 24-hour clock (minutes) or a number of working days."""

    clock: TimeBasis
    minutes: int = 0
    working_days: int = 0

    @classmethod
    def parse(cls, text: str) -> "Limit":
        found = _LIMIT.match(text)
        if found is None:
            raise ValueError(f"'{text}' is not a limit: write 30m, 24h, 2d or 5wd")
        amount, unit = int(found.group(1)), found.group(2)
        if amount <= 0:
            raise ValueError(f"'{text}': a limit must be positive")
        if unit == "wd":
            return cls(clock="working_days", working_days=amount)
        return cls(clock="24h", minutes=amount * _UNIT_MINUTES[unit])

    def due(self, start: datetime, calendar: WorkCalendar) -> datetime:
        if self.clock == "working_days":
            return calendar.add_working_days(start, self.working_days)
        return start + timedelta(minutes=self.minutes)

    def label(self) -> str:
        if self.clock == "working_days":
            return f"{self.working_days}个工作日"
        if self.minutes % (24 * 60) == 0 and self.minutes > 24 * 60:
            return f"{self.minutes // (24 * 60)}天"
        if self.minutes % 60 == 0:
            return f"{self.minutes // 60}小时"
        return f"{self.minutes}分钟"


def limit_or_none(value: object) -> "Limit | None":
    """A limit as the policy file writes it (``30m``, ``5wd``) or ``None`` for no such limit."""
    if value is None or isinstance(value, Limit):
        return value
    if isinstance(value, str):
        return Limit.parse(value)
    if isinstance(value, int):
        raise ValueError(f"{value}: say the unit, e.g. {value}m, {value}h or {value}wd")
    raise ValueError(f"{value!r} is not a limit")


UNSET: Literal["unset"] = "unset"
Setting = Limit | Literal["unset"] | None
"""What a rule says of one limit: absent (``unset``) leaves it alone; ``None``: no such limit."""


@dataclass(frozen=True)
class Rule:
    name: str = ""
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    """Empty = every source, category or priority."""
    acknowledge: Setting = UNSET
    arrive: Setting = UNSET
    resolve: Setting = UNSET
    reply: Setting = UNSET

    def matches(self, source: str, category: str, priority: str) -> bool:
        return (
            (not self.sources or source in self.sources)
            and (not self.categories or category in self.categories)
            and (not self.priorities or priority in self.priorities)
        )

    @property
    def specificity(self) -> int:
        return bool(self.sources) + bool(self.categories) + bool(self.priorities)


@dataclass(frozen=True)
class Limits:
    """The limits one order gets, and the rules they came from (shown to people)."""

    acknowledge: Limit | None
    arrive: Limit | None
    resolve: Limit | None
    reply: Limit | None
    rules: tuple[str, ...]

    def of(self, name: LimitName) -> Limit | None:
        limit: Limit | None = getattr(self, name)
        return limit


def layered(rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The rules from least to most specific. The sort is stable: equally specific rules keep
    their file order (the later one wins)."""
    return tuple(sorted(rules, key=lambda r: r.specificity))


def limits_for(
    layers: Sequence[Rule], rules: Sequence[Rule], source: str, category: str, priority: str
) -> Limits:
    """Every matching layer applies, the less specific first; ``rules`` in file order names an
    unnamed rule by its place."""
    chosen: dict[str, Limit | None] = dict.fromkeys(LIMIT_NAMES)
    names = []
    for rule in layers:
        if not rule.matches(source, category, priority):
            continue
        names.append(rule.name or f"rule{rules.index(rule) + 1}")
        for limit_name in LIMIT_NAMES:
            value = getattr(rule, limit_name)
            if value != UNSET:
                chosen[limit_name] = value
    return Limits(
        acknowledge=chosen["acknowledge"],
        arrive=chosen["arrive"],
        resolve=chosen["resolve"],
        reply=chosen["reply"],
        rules=tuple(names),
    )
