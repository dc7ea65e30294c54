"""Which events put what into the ledger by themselves (Art. 18 automatic items)."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from services.scoring.config import NO_ANNUAL_AWARD, load_rules
from services.scoring.domain import counter_moves
from services.scoring.domain.entries import (
    ManualEntryRefused,
    ManualRequest,
    automatic_entries,
    manual_rule,
)
from shared.contracts import (
    AppointmentMissed,
    AppointmentMissedPayload,
    ComplaintVerified,
    ComplaintVerifiedPayload,
    GridActivityPayload,
    GridActivityRecorded,
    OrderReceived,
    OrderReceivedPayload,
    OrderResolved,
    OrderResolvedPayload,
    SlaBreached,
    SlaBreachedPayload,
)
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
AT = datetime(2026, 9, 10, 3, 0, tzinfo=UTC)  # 11:00 in Beijing


def _order(kind: type[Any], payload: Any, at: datetime = AT) -> Any:
    return kind(order_id="GL-1", occurred_at=at, producer="test", payload=payload)


def _received(category: str, named: str | None) -> OrderReceived:
    payload = OrderReceivedPayload(
        source="12345",
        source_ref="R1",
        category=category,
        category_label="x",
        named_worker_id=named,
        received_at=AT,
    )
    return _order(OrderReceived, payload)  # type: ignore[no-any-return]


CASES = [
    (
        "a verified complaint",
        _order(ComplaintVerified, ComplaintVerifiedPayload(worker_id="W-1", verified=True, by="P")),
        [("W-1", "COMPLAINT_VERIFIED", -10)],
    ),
    (
        "a complaint found untrue",
        _order(
            ComplaintVerified, ComplaintVerifiedPayload(worker_id="W-1", verified=False, by="P")
        ),
        [],
    ),
    (
        "a missed appointment without explanation",
        _order(AppointmentMissed, AppointmentMissedPayload(appointment_at=AT, assignee_id="W-2")),
        [("W-2", "APPOINTMENT_UNEXPLAINED", -3)],
    ),
    (
        "a missed appointment that was explained",
        _order(
            AppointmentMissed,
            AppointmentMissedPayload(appointment_at=AT, assignee_id="W-2", explained=True),
        ),
        [],
    ),
    (
        "a resolve deadline broken on an acknowledged order (an order is no assigned task)",
        _order(
            SlaBreached,
            SlaBreachedPayload(deadline="resolve", due=AT, assignee_id="W-3", acknowledged=True),
        ),
        [],
    ),
    (
        "a resolve deadline broken before anyone signed for the order",
        _order(SlaBreached, SlaBreachedPayload(deadline="resolve", due=AT, assignee_id="W-3")),
        [],
    ),
    (
        "a reply deadline (not a task of the worker's, by configuration)",
        _order(
            SlaBreached,
            SlaBreachedPayload(deadline="reply", due=AT, assignee_id="W-3", acknowledged=True),
        ),
        [],
    ),
    ("a praise naming the worker", _received("PRAISE", "W-4"), [("W-4", "PRAISE", 1)]),
    ("a praise naming nobody", _received("PRAISE", None), []),
    ("a leak naming a worker", _received("LEAK", "W-4"), []),
]


@pytest.mark.parametrize(("_name", "event", "expected"), CASES, ids=[c[0] for c in CASES])
def test_automatic_entries(_name: str, event: Any, expected: list[tuple[str, str, int]]) -> None:
    entries = automatic_entries(event, BOOK)
    assert [(e.worker_id, e.rule, e.points) for e in entries] == expected
    for e in entries:
        assert (e.event_id, e.order_id, e.month, e.source) == (
            str(event.event_id),
            "GL-1",
            "2026-09",
            "event",
        )


def test_a_company_that_lists_resolve_breaches_makes_them_late_tasks() -> None:
    book = replace(BOOK, task_late_deadlines=("resolve",))
    breach = SlaBreachedPayload(deadline="resolve", due=AT, assignee_id="W-3", acknowledged=True)
    entries = automatic_entries(_order(SlaBreached, breach), book)
    assert [(e.worker_id, e.rule, e.points) for e in entries] == [("W-3", "TASK_LATE", -2)]


def test_a_verified_complaint_marks_the_year_as_without_award() -> None:
    event = _order(
        ComplaintVerified, ComplaintVerifiedPayload(worker_id="W-1", verified=True, by="P")
    )
    assert automatic_entries(event, BOOK)[0].flag == NO_ANNUAL_AWARD


def test_the_same_event_always_gives_the_same_entry_id() -> None:
    event = _received("PRAISE", "W-4")
    again = OrderReceived.model_validate_json(event.model_dump_json())
    assert automatic_entries(event, BOOK)[0].entry_id == automatic_entries(again, BOOK)[0].entry_id


def test_an_event_just_after_midnight_on_the_first_counts_in_the_new_beijing_month() -> None:
    late = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 10-01 00:30 in Beijing
    event = _order(
        ComplaintVerified, ComplaintVerifiedPayload(worker_id="W-1", verified=True, by="P"), late
    )
    assert automatic_entries(event, BOOK)[0].month == "2026-10"


def _activity(kind: str, channel: str = "", signed: bool = False) -> GridActivityRecorded:
    return GridActivityRecorded(
        occurred_at=AT,
        producer="intake",
        worker_id="W-5",
        payload=GridActivityPayload(
            activity_id="A1",
            worker_id="W-5",
            kind=kind,
            channel=channel,
            customer_signed=signed,
            at=AT,
        ),
    )


@pytest.mark.parametrize(
    ("event", "counted"),
    [
        (_activity("consultation", "phone"), ["consultations"]),
        (_activity("consultation", "onsite"), []),
        (_activity("consultation", "onsite", signed=True), ["consultations"]),
        (_activity("message", "wechat"), ["messages"]),
        (_order(OrderResolved, OrderResolvedPayload(by="W-5", department="D")), ["orders_handled"]),
        (_order(OrderResolved, OrderResolvedPayload(by="W-5", department="D", round=2)), []),
    ],
    ids=[
        "phone answer",
        "unsigned on-site answer",
        "signed on-site answer",
        "message",
        "resolved",
        "resolved again after a reopen",
    ],
)
def test_what_the_monthly_counts_count(event: Any, counted: list[str]) -> None:
    assert [c for _w, _m, c in counter_moves(event)] == counted


@pytest.mark.parametrize(
    ("rule", "reason", "field"),
    [("PENNANT", "", "reason"), ("COMPLAINT_VERIFIED", "x", "rule"), ("NO_SUCH", "x", "rule")],
)
def test_a_head_cannot_enter_what_the_rules_do_not_allow(
    rule: str, reason: str, field: str
) -> None:
    request = ManualRequest(worker_id="W-1", month="2026-09", rule=rule, reason=reason, by="P")
    with pytest.raises(ManualEntryRefused) as refused:
        manual_rule(request, BOOK)
    assert refused.value.field == field


def test_a_pennant_is_worth_three() -> None:
    request = ManualRequest(worker_id="W-1", month="2026-09", rule="PENNANT", reason="锦旗", by="P")
    assert manual_rule(request, BOOK).points == 3


def test_a_head_records_a_letter_of_praise_only_with_the_letter() -> None:
    asked = ManualRequest(
        worker_id="W-0301",
        month="2026-09",
        rule="PRAISE_LETTER",
        reason="住户来信表扬",
        by="P-0200",
    )
    with pytest.raises(ManualEntryRefused) as refused:
        manual_rule(asked, BOOK)
    assert refused.value.field == "evidence"
    letter = ManualRequest(**{**asked.__dict__, "evidence": "来信登记 2026-091"})
    rule = manual_rule(letter, BOOK)
    assert (rule.code, rule.points) == ("PRAISE_LETTER", 1)
