"""Notify's rules as the domain reads them (``config/notify.yaml``, checked by pydantic in
``config.py``): who hears of each kind of notice, by which channels at each urgency, what the
night allows, which clock cards wait to go out together."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal

from shared.clock import to_local

Notice = Literal[
    "dispatched",
    "escalated",
    "major",
    "yellow_card",
    "red_card",
    "reply_due",
    "late_on_arrival",
    "alert",
    "urged",
    "supervised",
    "notice_task",
    "assigned_task",
    "return_refused",
]
Recipient = Literal["assignee", "department_head", "notified", "team_duty", "ops"]
ChannelName = Literal["wecom_app", "wecom_robot", "sms", "webhook"]
Urgency = Literal["normal", "urgent", "critical"]


@dataclass(frozen=True)
class Rule:
    """Who hears of one kind of notice, and by which channels at each urgency."""

    notice: Notice
    who: tuple[Recipient, ...]
    channels: Mapping[Urgency, tuple[ChannelName, ...]]
    """Always names ``normal``: the channels of an urgency left out."""

    def channels_for(self, urgency: Urgency) -> tuple[ChannelName, ...]:
        return self.channels.get(urgency) or self.channels["normal"]


@dataclass(frozen=True)
class Night:
    """Beijing hours when a phone ringing wakes someone: SMS only for what cannot wait."""

    start: time = time(22, 0)
    end: time = time(7, 0)
    sms_urgencies: tuple[Urgency, ...] = ("urgent", "critical")
    sms_notices: tuple[Notice, ...] = ("major",)

    def covers(self, at: datetime) -> bool:
        local = to_local(at).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def allows_sms(self, notice: str, urgency: str, at: datetime) -> bool:
        if not self.covers(at):
            return True
        return urgency in self.sms_urgencies or notice in self.sms_notices


@dataclass(frozen=True)
class Cards:
    """Clock cards about one order for one person go out as one message listing the clocks."""

    grouped: tuple[Notice, ...] = ("yellow_card", "red_card")
    hold_seconds: float = 5.0
    """A grouped card waits this long, so the clocks of an order that fire together join it."""


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    """One per notice."""
    ops: tuple[str, ...] = ()
    sms_templates: dict[Notice, str] = field(default_factory=dict)
    night: Night = field(default_factory=Night)
    cards: Cards = field(default_factory=Cards)

    def rule(self, notice: Notice) -> Rule | None:
        return next((r for r in self.rules if r.notice == notice), None)
