"""The one envelope helper: every event made the same way, keyed right for its topic."""

from datetime import UTC, datetime
from uuid import uuid4

from shared.contracts import (
    AckOverdue,
    AckOverduePayload,
    MonthClosed,
    MonthClosedPayload,
    parse_activity_event,
    parse_order_event,
)
from shared.contracts.envelopes import envelope

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_an_order_event_is_keyed_by_its_order_and_names_its_producer_and_cause() -> None:
    cause = uuid4()
    payload = AckOverduePayload(assignment_id=1, due=NOW)
    event = envelope(AckOverdue, "GL-1", payload, NOW, "sla", cause=cause)
    assert (event.order_id, event.producer, event.occurred_at) == ("GL-1", "sla", NOW)
    assert event.causation_id == cause and event.payload == payload
    assert parse_order_event(event.model_dump_json().encode()) == event


def test_an_activity_event_is_keyed_by_its_worker() -> None:
    payload = MonthClosedPayload(month="2026-11", by="head")
    event = envelope(MonthClosed, "*", payload, NOW, "scoring")
    assert event.worker_id == "*" and event.causation_id is None
    assert parse_activity_event(event.model_dump_json().encode()) == event


def test_a_derived_event_id_is_kept_and_each_other_event_gets_its_own() -> None:
    payload = AckOverduePayload(assignment_id=1, due=NOW)
    fixed = uuid4()
    assert envelope(AckOverdue, "GL-1", payload, NOW, "sla", event_id=fixed).event_id == fixed
    first = envelope(AckOverdue, "GL-1", payload, NOW, "sla")
    assert first.event_id != envelope(AckOverdue, "GL-1", payload, NOW, "sla").event_id
