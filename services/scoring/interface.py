"""考核 scoring's Kafka interface for ``docs/asyncapi.json``: its two consumers with their handler
tables, and the entries, month closings and assigned tasks it publishes."""

from services.scoring.handlers import ACTIVITY_CONSUMER, ACTIVITY_EVENTS, EVENTS, ORDERS_CONSUMER
from shared.asyncapi import Interface
from shared.contracts import MonthClosed, ScoreEntryRecorded, TaskAssigned, TaskLate

INTERFACE = Interface("scoring", "考核 scoring")
INTERFACE.consume(ORDERS_CONSUMER, EVENTS)
INTERFACE.consume(ACTIVITY_CONSUMER, ACTIVITY_EVENTS)
INTERFACE.publish(ScoreEntryRecorded, MonthClosed, TaskAssigned, TaskLate)
BROKER = INTERFACE.finish()
