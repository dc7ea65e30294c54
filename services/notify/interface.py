"""通知 notify's Kafka interface for ``docs/asyncapi.json``: its consumers (orders, and notice
tasks on the activity topic) with their handler tables, the failures it publishes for the
router to skip an unreachable person, and each message sent (the console's live 消息)."""

from services.notify.handlers import ACTIVITY_CONSUMER, ACTIVITY_EVENTS, EVENTS
from shared.asyncapi import Interface
from shared.contracts import MessageRecorded, NotificationFailed

INTERFACE = Interface("notify", "通知 notify")
INTERFACE.consume("notify", EVENTS)
INTERFACE.consume(ACTIVITY_CONSUMER, ACTIVITY_EVENTS)
INTERFACE.publish(NotificationFailed)
INTERFACE.publish(MessageRecorded)
BROKER = INTERFACE.finish()
