"""通知 notify's Kafka interface for ``docs/asyncapi.json``: its consumer with its handler table,
and the failures it publishes for the router to skip an unreachable person."""

from services.notify.handlers import EVENTS
from shared.asyncapi import Interface
from shared.contracts import NotificationFailed

INTERFACE = Interface("notify", "通知 notify")
INTERFACE.consume("notify", EVENTS)
INTERFACE.publish(NotificationFailed)
BROKER = INTERFACE.finish()
