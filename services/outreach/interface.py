"""外联 outreach's Kafka interface for ``docs/asyncapi.json``: its consumer with its handler table,
and the notices and registers it publishes."""

from services.outreach.handlers import EVENTS
from shared.asyncapi import Interface
from shared.contracts import (
    GridActivityRecorded,
    NoticeOverdue,
    NoticeTaskAssigned,
    OutageAnnounced,
    TrainingRecorded,
    WeChatGroupMissing,
    WeChatGroupRecorded,
)

INTERFACE = Interface("outreach", "外联 outreach")
INTERFACE.consume("leave", EVENTS)
INTERFACE.publish(
    OutageAnnounced,
    NoticeOverdue,
    NoticeTaskAssigned,
    GridActivityRecorded,
    WeChatGroupRecorded,
    WeChatGroupMissing,
    TrainingRecorded,
)
BROKER = INTERFACE.finish()
