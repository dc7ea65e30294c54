"""受理 intake's Kafka interface for ``docs/asyncapi.json``: the consumers of ``app.py`` with their
handler tables, the raw topic outside systems write, and the events intake publishes."""

from services.intake.handlers import EVENTS, EVENTS_FOR_ACTIVITY
from services.intake.sources import RawEnvelope
from shared.asyncapi import Interface
from shared.contracts import (
    CallbackRecorded,
    DuplicateLinked,
    GridActivityRecorded,
    MajorEventRaised,
    OrderReceived,
    OrderReopened,
    OrderSupervised,
    OrderUrged,
    OrderWithdrawn,
    PlatformDecided,
    ReplySent,
)
from shared.contracts.activity_events import CallRinging
from shared.topics import INTAKE_RAW

INTERFACE = Interface("intake", "受理 intake")
INTERFACE.consume("timeline", EVENTS)
INTERFACE.consume("outages", EVENTS_FOR_ACTIVITY)
INTERFACE.consume_raw(
    INTAKE_RAW,
    "raw",
    [RawEnvelope],
    "受理 intake 读取外部系统（12345、96568、网格 App）原样推送的工单与网格活动，"
    "按 HTTP 受理同样校验；无法读取的消息进入死信",
)
INTERFACE.publish(
    OrderReceived,
    DuplicateLinked,
    MajorEventRaised,
    ReplySent,
    GridActivityRecorded,
    # The 12345 platform's follow-ups, and the reopen a 重办 or a 不满意 回访 makes (issue 20).
    OrderUrged,
    OrderSupervised,
    CallbackRecorded,
    OrderWithdrawn,
    PlatformDecided,
    OrderReopened,
    # The hotline's pop-up: a call ringing at or answered by named operators (issue 21).
    CallRinging,
)
BROKER = INTERFACE.finish()
