"""Notification discipline, pure (issue 19): each rule of ``config/notify.yaml`` that keeps
messages from storming or going silent, on the shipped rules and organisation."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.notify.config import NotifySettings, load_deps
from services.notify.domain import cards, texts
from services.notify.domain.facts import Notification, OrderFacts
from services.notify.domain.notices import notifications_for
from services.notify.domain.plan import plan
from shared.clock import LOCAL_TZ
from shared.contracts import (
    MajorEventRaised,
    MajorEventRaisedPayload,
    SlaBreached,
    SlaBreachedPayload,
    SlaWarning,
    SlaWarningPayload,
)
from tests.support.builders import order_dispatched

DEPS = load_deps(NotifySettings())
DAY = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
NIGHT = datetime(2026, 12, 3, 4, 8, tzinfo=LOCAL_TZ)
TAKEN_IN = datetime(2026, 12, 3, 4, 0, tzinfo=LOCAL_TZ)
# A 12345 order whose platform 办理时限 had passed three hours before it reached Gridline.
LATE = OrderFacts(
    order_id="GL-LATE",
    address="水城花园5号楼",
    category_label="漏水",
    priority="urgent",
    deadline=TAKEN_IN - timedelta(hours=3),
    department="USER_MAINTENANCE",
    team="UM-T1",
    assignee_id="W-0301",
    assignment_id=1,
    ack_due=TAKEN_IN + timedelta(minutes=10),
    taken_in_at=TAKEN_IN,
)


DUTY = "P-0212"
"""Who the router named on UM-T1's duty (notify reads no rotation of its own)."""


def people(n: Notification, at: datetime = DAY) -> list[tuple[str, str]]:
    found, _ = plan(n, DEPS.rules, DEPS.org, {"UM-T1": DUTY}.get, at)
    return [(p.person_id, p.channel) for p in found]


def breached(kind: str, due: datetime) -> SlaBreached:
    payload = SlaBreachedPayload(deadline=kind, due=due)
    return SlaBreached(order_id=LATE.order_id, occurred_at=NIGHT, producer="sla", payload=payload)


# --- clocks that had run out before intake: one 转来时已超时 notice, no cards --------------------


@pytest.mark.parametrize("kind", ["arrive", "resolve", "reply", "promise"])
def test_a_clock_that_ran_out_before_intake_raises_no_card(kind: str) -> None:
    assert notifications_for(breached(kind, LATE.deadline), LATE) == []  # type: ignore[arg-type]
    warned = SlaWarning(
        order_id=LATE.order_id,
        occurred_at=NIGHT,
        producer="sla",
        payload=SlaWarningPayload(deadline=kind, due=TAKEN_IN - timedelta(minutes=1)),
    )
    assert notifications_for(warned, LATE) == []


def test_a_clock_that_runs_out_after_intake_is_still_a_red_card() -> None:
    (card,) = notifications_for(breached("acknowledge", TAKEN_IN + timedelta(minutes=10)), LATE)
    assert card.notice == "red_card"


def test_the_dispatch_of_a_late_order_says_so_and_the_duty_person_hears_it_once() -> None:
    event = order_dispatched("GL-LATE", TAKEN_IN, team="UM-T1", priority="urgent")
    dispatched, late = notifications_for(event, LATE)
    assert "转来时已超时" in texts.body(dispatched)
    assert late.notice == "late_on_arrival"
    duty = DUTY
    # The assignee reads it in the dispatch: the notice goes to the team's duty person only.
    assert people(late, NIGHT) == [(duty, "wecom_app")]
    assert "W-0301" not in {p for p, _ in people(late, NIGHT)}
    assert "转来时已超时" in texts.body(late) and "平台时限" in texts.body(late)


def test_an_order_that_came_in_on_time_has_no_late_notice() -> None:
    on_time = replace(LATE, deadline=TAKEN_IN + timedelta(days=1))
    event = order_dispatched("GL-LATE", TAKEN_IN, team="UM-T1")
    (only,) = notifications_for(event, on_time)
    assert only.notice == "dispatched" and "转来时已超时" not in texts.body(only)


# --- red and yellow cards: one message per order and person, listing the clocks ----------------


def test_a_grouped_card_lists_every_clock_soonest_first() -> None:
    due = DAY + timedelta(hours=1)
    listed = cards.merge(cards.parse(cards.format([("resolve", due)])), [("arrive", DAY)])
    listed = cards.merge(listed, [("resolve", due)])  # fired again: listed once
    assert listed == (("arrive", DAY), ("resolve", due))
    n = Notification("red_card", "x", LATE, clocks=listed)
    body = texts.body(n)
    assert "到场时限：12月02日 10:00" in body and "办结时限：12月02日 11:00" in body


def test_the_shipped_rules_group_yellow_and_red_cards_and_hold_them_a_moment() -> None:
    assert set(DEPS.rules.cards.grouped) == {"yellow_card", "red_card"}
    assert DEPS.rules.cards.hold_seconds > 0


# --- SMS at night only for urgent items and major events ----------------------------------------


def test_at_night_a_normal_item_goes_by_wecom_only_an_urgent_one_by_sms_too() -> None:
    night_rules = replace(
        DEPS.rules,
        rules=tuple(
            replace(r, channels={"normal": ("wecom_app", "sms")}) if r.notice == "red_card" else r
            for r in DEPS.rules.rules
        ),
    )
    normal = Notification("red_card", "c", replace(LATE, priority="normal"), "normal")

    def channels(n: Notification, at: datetime) -> set[str]:
        found, _ = plan(n, night_rules, DEPS.org, lambda unit: None, at)
        return {p.channel for p in found}

    assert channels(normal, DAY) == {"wecom_app", "sms"}
    assert channels(normal, NIGHT) == {"wecom_app"}
    assert channels(replace(normal, urgency="urgent"), NIGHT) == {"wecom_app", "sms"}


def test_a_major_event_still_goes_by_sms_at_night() -> None:
    n = Notification("major", "m", LATE, "critical", "主管道", ("P-0200",))
    assert ("P-0200", "sms") in people(n, NIGHT)
    assert DEPS.rules.night.covers(NIGHT) and not DEPS.rules.night.covers(DAY)


def test_night_hours_are_beijing_time_and_may_span_midnight() -> None:
    night = DEPS.rules.night
    beijing = [(22, 0, True), (6, 59, True), (7, 0, False), (14, 30, False)]
    for hour, minute, covered in beijing:
        assert night.covers(datetime(2026, 12, 2, hour, minute, tzinfo=LOCAL_TZ)) is covered
    assert night.covers(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # 23:00 in Beijing
    assert not night.covers(datetime(2026, 12, 2, 23, 30, tzinfo=UTC))  # 07:30 in Beijing


# --- major events: the label once ----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["主管道", "重大事项：主管道", "重大事项：重大事项：主管道"])
def test_a_major_events_message_names_the_label_once(reason: str) -> None:
    event = MajorEventRaised(
        order_id=LATE.order_id,
        occurred_at=NIGHT,
        producer="router",
        payload=MajorEventRaisedPayload(reason=reason, notify=("P-0200",)),
    )
    (n,) = notifications_for(event, LATE)
    text = f"{texts.title(n)}\n{texts.body(n)}"
    assert text.count("重大事项") == 1
    assert "事由：主管道" in text


# --- "already told" is what the person was told, not the incident -------------------------------


def test_a_split_off_order_is_keyed_on_itself_a_riding_one_on_its_incident() -> None:
    riding = replace(LATE, order_id="GL-2", incident_id="INC-1", primary_order_id="GL-1")
    split = replace(riding, incident_id=None, primary_order_id=None, split_from="INC-1")
    primary = replace(riding, order_id="GL-1")

    def keys(facts: OrderFacts) -> set[str]:
        n = Notification("dispatched", f"{facts.order_id}:1", facts, assignment_id=1)
        found, _ = plan(n, DEPS.rules, DEPS.org, lambda unit: None, DAY)
        return {p.key for p in found}

    assert keys(riding) == {"incident:INC-1:dispatched:W-0301:wecom_app"}
    assert keys(split) == {"dispatched:GL-2:1:W-0301:wecom_app"}
    assert keys(primary) == {"dispatched:GL-1:1:W-0301:wecom_app"}


def test_a_major_event_told_twice_for_the_same_reason_is_one_message_a_new_reason_another() -> None:
    primary = replace(LATE, incident_id="INC-1", primary_order_id=LATE.order_id)

    def cause(reason: str) -> str:
        event = MajorEventRaised(
            order_id=LATE.order_id,
            occurred_at=NIGHT,
            producer="router",
            payload=MajorEventRaisedPayload(reason=reason, notify=("P-0200",)),
        )
        (n,) = notifications_for(event, primary)
        return n.cause_id

    # Intake's flag and the router's relay of it: one message to the head.
    assert cause("水城花园10起漏水报告") == cause("重大事项：水城花园10起漏水报告")
    assert cause("水城花园10起漏水报告") != cause("无人签收：部门负责人亦未按时签收")
