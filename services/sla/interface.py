"""时限 sla's Kafka interface for ``docs/asyncapi.json``: its consumer with its handler table, and
the deadlines and cards it publishes."""

from services.sla.handlers import EVENTS
from shared.asyncapi import Interface
from shared.contracts import (
    AckOverdue,
    AppointmentMissed,
    ResolveDeadlineSet,
    SlaBreached,
    SlaWarning,
)

INTERFACE = Interface("sla", "时限 sla")
INTERFACE.consume("deadlines", EVENTS)
INTERFACE.publish(ResolveDeadlineSet, SlaWarning, SlaBreached, AckOverdue, AppointmentMissed)
BROKER = INTERFACE.finish()
