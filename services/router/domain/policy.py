"""The router's rules as the domain reads them (``config/router.yaml``, checked by pydantic in
``config.py``): how long an acknowledgement may take, what makes a major event, where triage
is, how returns and extensions are bounded."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.contracts import OrderReceivedPayload, Priority, Source


@dataclass(frozen=True)
class AckLimit:
    minutes: int
    priority: Priority | None = None
    source: Source | None = None
    category: str | None = None
    """Left out: any."""

    def matches(self, order: OrderReceivedPayload) -> bool:
        return (
            (self.priority is None or self.priority == order.priority)
            and (self.source is None or self.source == order.source)
            and (self.category is None or self.category == order.category)
        )


@dataclass(frozen=True)
class MajorEvents:
    categories: tuple[str, ...] = ("WATER_QUALITY",)
    keywords: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ("critical",)
    area_wide_categories: tuple[str, ...] = ("OUTAGE",)
    area_wide_keywords: tuple[str, ...] = ()
    dispatch_department: str = "DISPATCH"


@dataclass(frozen=True)
class RouterPolicy:
    ack_limits: tuple[AckLimit, ...]
    """The last one matches every order."""
    major_events: MajorEvents = field(default_factory=MajorEvents)
    triage_department: str = "DISPATCH"
    returns_before_head: int = 1
    return_within_working_days: int = 2
    resolve_working_days: int = 5
    max_extension_working_days: int = 10

    def ack_minutes(self, order: OrderReceivedPayload) -> int:
        return next(rule.minutes for rule in self.ack_limits if rule.matches(order))

    def ack_due(self, order: OrderReceivedPayload, now: datetime) -> datetime:
        return now + timedelta(minutes=self.ack_minutes(order))

    def is_major(self, order: OrderReceivedPayload) -> str | None:
        """Why the order is a major event (Art. 7), or None. The reason is bare (``主管道``):
        whoever shows it adds the 重大事项 label once."""
        rules = self.major_events
        if order.category in rules.categories:
            return order.category_label or order.category
        if order.priority in rules.priorities:
            return "特急"
        text = _callers_words(order)
        return next((k for k in rules.keywords if k in text), None)

    def is_area_wide(self, order: OrderReceivedPayload) -> bool:
        rules = self.major_events
        text = _callers_words(order)
        return order.category in rules.area_wide_categories and any(
            k in text for k in rules.area_wide_keywords
        )


def _callers_words(order: OrderReceivedPayload) -> str:
    """Only a caller's words are searched for keywords. Staff write grid reports and planned
    outages (更换主管道阀门 is work, not a burst): their major events come from explicit flags
    (a major-event report is critical; intake raises its own), never from the words."""
    return "" if order.source == "grid_report" else f"{order.title} {order.content}"
