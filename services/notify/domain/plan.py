"""Who hears of a notification and by which channel: the rules applied to the organisation.

Each planned message has a dedupe key. It is built from the notification's stable cause (an
order's dispatch number, a deadline, an alert's fingerprint), the person and the channel, so a
redelivered or re-emitted event plans the very same key and the store keeps one. Storm control:
a message about an order riding on an incident (a caller's order worked as the incident) is keyed
on the incident instead, so a person hears of one burst main once, however many callers it has.
The incident's primary and an order split off it are keyed on themselves: they are work of their
own, and each of their dispatches is news to its assignee.

At night (``night`` in the rules file) SMS goes only for urgent items and major events.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.notify.domain.facts import Notification
from services.notify.domain.rules import ChannelName, Recipient, Rule, Rules, Urgency
from shared.organisation import Organisation, Person

URGENCIES: tuple[Urgency, ...] = ("normal", "urgent", "critical")
GROUP_CHANNELS = frozenset({"wecom_robot", "webhook"})
"""Channels that reach a group or a system, not a person: one message per notification."""
NO_ADDRESS = {"wecom_app": "未登记企业微信账号", "sms": "未登记工作手机"}


@dataclass(frozen=True)
class Planned:
    key: str
    person_id: str
    person_name: str
    channel: ChannelName
    target: str
    incident_id: str | None


@dataclass(frozen=True)
class Unreachable:
    """A person the rule names whom none of its channels can reach: failed at once."""

    key: str
    person_id: str
    person_name: str
    channel: ChannelName
    reason: str


def urgency_of(value: str) -> Urgency:
    return next((u for u in URGENCIES if u == value), "normal")


def recipients(
    who: tuple[Recipient, ...],
    n: Notification,
    org: Organisation,
    rules: Rules,
    on_duty: Callable[[str], str | None],
) -> list[str]:
    """The people a rule's ``who`` names for this notification, in order, each once."""
    found: list[str | None] = []
    facts = n.facts
    for kind in who:
        if kind == "assignee":
            found.append(facts.assignee_id if facts else None)
        elif kind == "department_head":
            dept = facts.department if facts else None
            found.append(org.department(dept).head if dept and _known(org, dept) else None)
        elif kind == "notified":
            found += list(n.named)
        elif kind == "team_duty":
            found.append(on_duty(facts.team) if facts and facts.team else None)
        else:
            found += list(rules.ops)
    return list(dict.fromkeys(p for p in found if p and p not in n.told_already))


def _known(org: Organisation, department: str) -> bool:
    return any(d.code == department for d in org.departments)


def address(person: Person, channel: ChannelName) -> str | None:
    if channel == "wecom_app":
        return person.wecom_userid
    if channel == "sms":
        return person.work_phone
    return person.id  # the robot and the webhook address a group or a system, not a number


def channels_at(rule: Rule, n: Notification, rules: Rules, at: datetime) -> list[ChannelName]:
    """The rule's channels for the notification's urgency, less SMS at night unless it is an
    urgent item or a major event."""
    sms = rules.night.allows_sms(n.notice, urgency_of(n.urgency), at)
    return [c for c in rule.channels_for(urgency_of(n.urgency)) if c != "sms" or sms]


def plan(
    n: Notification,
    rules: Rules,
    org: Organisation,
    on_duty: Callable[[str], str | None],
    at: datetime,
) -> tuple[list[Planned], list[Unreachable]]:
    rule: Rule | None = rules.rule(n.notice)  # type: ignore[arg-type]
    if rule is None:
        return [], []
    channels = channels_at(rule, n, rules, at)
    if not channels:
        return [], []
    incident = n.facts.incident_id if n.facts and n.facts.rides_on_incident else None
    planned: list[Planned] = []
    unreachable: list[Unreachable] = []
    keys: set[str] = set()
    for person_id in recipients(rule.who, n, org, rules, on_duty):
        person = org.person(person_id)
        if person is None:
            continue
        mine: list[Planned] = []
        for channel in channels:
            target = address(person, channel)
            if target is None:
                continue
            scope = f"incident:{incident}:{n.notice}" if incident else f"{n.notice}:{n.cause_id}"
            group = channel in GROUP_CHANNELS
            key = f"{scope}:group:{channel}" if group else f"{scope}:{person_id}:{channel}"
            if key in keys:
                continue
            keys.add(key)
            mine.append(Planned(key, person_id, person.name, channel, target, incident))
        if not mine and not any(c in GROUP_CHANNELS for c in channels):
            why = "、".join(NO_ADDRESS.get(c, c) for c in channels)
            key = f"{n.notice}:{n.cause_id}:{person_id}:none"
            unreachable.append(Unreachable(key, person_id, person.name, channels[0], why))
        planned += mine
    return planned, unreachable
