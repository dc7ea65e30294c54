"""The event contracts: one envelope, a discriminated union, unknown types skipped, poison named."""

import json
from datetime import UTC, datetime

import pytest

from shared.contracts import (
    ORDER_EVENT_TYPES,
    GridActivityPayload,
    GridActivityRecorded,
    OrderAcknowledged,
    OrderAcknowledgedPayload,
    PoisonMessage,
    event_key,
    parse_activity_event,
    parse_order_event,
)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _ack() -> OrderAcknowledged:
    return OrderAcknowledged(
        order_id="GL-1",
        occurred_at=NOW,
        producer="router",
        payload=OrderAcknowledgedPayload(assignment_id=1, by="W-0301", department="UM"),
    )


def test_an_event_survives_the_wire_unchanged() -> None:
    event = _ack()
    assert parse_order_event(event.model_dump_json().encode()) == event


def test_every_design_event_type_is_in_the_union() -> None:
    assert {
        "OrderReceived",
        "DuplicateLinked",
        "OrderDispatched",
        "OrderAcknowledged",
        "AppointmentSet",
        "ProgressNoted",
        "OrderReturned",
        "ExtensionGranted",
        "OrderResolved",
        "ReplySent",
        "OrderReopened",
        "AckOverdue",
        "SlaWarning",
        "SlaBreached",
        "AppointmentMissed",
        "MajorEventRaised",
        "ComplaintVerified",
    } <= ORDER_EVENT_TYPES


def test_the_platforms_follow_ups_are_order_events() -> None:
    assert {
        "OrderUrged",
        "OrderSupervised",
        "CallbackRecorded",
        "OrderWithdrawn",
        "PlatformDecided",
    } <= ORDER_EVENT_TYPES


def test_a_type_this_release_does_not_know_is_skipped_not_rejected() -> None:
    future = {**json.loads(_ack().model_dump_json()), "type": "OrderTeleported"}
    assert parse_order_event(json.dumps(future).encode()) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"order_id": "GL-1"}', "no 'type'"),
        (b'{"type": "OrderAcknowledged", "order_id": "GL-1"}', "invalid OrderAcknowledged"),
    ],
)
def test_a_message_that_can_never_be_handled_is_poison_with_a_reason(
    raw: bytes, reason: str
) -> None:
    with pytest.raises(PoisonMessage, match=reason):
        parse_order_event(raw)


def test_naive_times_are_refused_on_the_log() -> None:
    body = json.loads(_ack().model_dump_json())
    body["occurred_at"] = "2026-11-27T10:00:00"
    with pytest.raises(PoisonMessage, match="occurred_at"):
        parse_order_event(json.dumps(body).encode())


def test_orders_are_keyed_by_order_and_activity_by_worker() -> None:
    activity = GridActivityRecorded(
        worker_id="W-0301",
        occurred_at=NOW,
        producer="intake",
        payload=GridActivityPayload(activity_id="a-1", worker_id="W-0301", kind="message", at=NOW),
    )
    assert (event_key(_ack()), event_key(activity)) == ("GL-1", "W-0301")
    assert parse_activity_event(activity.model_dump_json().encode()) == activity
