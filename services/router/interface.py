"""派单 router's Kafka interface for ``docs/asyncapi.json``: its consumer with its handler table,
and the events it publishes."""

from services.router.handlers import EVENTS
from shared.asyncapi import Interface
from shared.contracts import (
    AnswerPromised,
    AppointmentSet,
    ComplaintVerified,
    ExtensionGranted,
    ExtensionRefused,
    ExtensionRequested,
    LeaveChanged,
    MajorEventRaised,
    OrderAcknowledged,
    OrderDispatched,
    OrderLinked,
    OrderResolved,
    OrderReturned,
    OrderSplit,
    ProgressNoted,
    ReturnRefused,
    ReturnRequested,
    TeamDutyNamed,
)

INTERFACE = Interface("router", "派单 router")
INTERFACE.consume("dispatch", EVENTS)
INTERFACE.publish(
    OrderDispatched,
    OrderAcknowledged,
    AppointmentSet,
    AnswerPromised,
    ProgressNoted,
    OrderReturned,
    ReturnRequested,
    ReturnRefused,
    ExtensionRequested,
    ExtensionGranted,
    ExtensionRefused,
    ComplaintVerified,
    OrderResolved,
    OrderSplit,
    OrderLinked,
    MajorEventRaised,
    LeaveChanged,
    TeamDutyNamed,
)
BROKER = INTERFACE.finish()
