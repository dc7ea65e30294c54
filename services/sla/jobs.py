"""The deadline poller's round at a chosen ``now`` (tests, ``gridline sla bench``): the same
handler the service's loop runs through ``COMMANDS`` (``handlers/poller.py``)."""

from datetime import datetime

from services.sla.handlers.poller import FireDue, fire_due_deadlines, observe_fired
from shared.clock import ManualClock
from shared.unit_of_work import UnitsOfWork


async def fire_due(units: UnitsOfWork, now: datetime, batch: int = 500) -> int:
    """Fires one batch of the deadlines due at ``now`` through the outbox, in one unit of work;
    returns how many acted."""
    at_now = UnitsOfWork(units.db, units.outbox, ManualClock(now))
    done = await at_now.run(fire_due_deadlines, FireDue(batch), None)
    observe_fired(done, None)
    return len(done.answer)
