"""Every write intake does, in two tables: ``EVENTS`` (what it does with each event it consumes)
and ``COMMANDS`` (what HTTP and the raw topic ask of it). Each handler is
``(message, uow, deps) -> events``; the unit of work commits its rows and events together.

- ``accept``: orders, grid reports and grid activity in (``submit`` stores one order,
  ``clustering`` links it to its incident);
- ``timeline``: every order event into the order's one timeline;
- ``replies``: a resolved order's reply queued (the sender is ``jobs.py``);
- ``outages``: planned outages, opened by hand or announced by outreach;
- ``care``: the vulnerable-household register;
- ``followups``: the 12345 platform's follow-ups (催办, 督办, 回访, 重办, 撤单, its decisions);
- ``calls``: the PBX's call events into the call log, missed calls into 回拨 tasks;
  ``callbacks``: the callbacks operators log on those tasks;
- ``own_followups``: our own 回访 of 96568 and grid orders, and an operator's 催办.
"""

from typing import Any, get_args

from services.intake.config import IntakeDeps
from services.intake.handlers import (
    accept,
    callbacks,
    calls,
    care,
    followups,
    outages,
    own_followups,
    replies,
    timeline,
)
from services.intake.handlers.accept import AcceptItems
from services.intake.handlers.callbacks import LogCallbackAttempt
from services.intake.handlers.calls import RecordCallEvent
from services.intake.handlers.care import AddCareEntry, CorrectCareEntry, RetireCareEntry
from services.intake.handlers.followups import ReceiveFollowup
from services.intake.handlers.outages import OpenPlannedOutage
from services.intake.handlers.own_followups import RecordOwnCallback, UrgeOrder
from shared.contracts import (
    OrderDispatched,
    OrderEvent,
    OrderLinked,
    OrderResolved,
    OutageAnnounced,
)
from shared.unit_of_work import Handler

ORDER_EVENTS: tuple[type[Any], ...] = get_args(get_args(OrderEvent)[0])

EVENTS: dict[type[Any], Handler[Any, IntakeDeps]] = {
    # Every order event, from every service, lands in the order's one timeline (Art. 12)…
    **dict.fromkeys(ORDER_EVENTS, timeline.record_event),
    # …and a resolution owes the caller a reply (the 12345 / 96568 reply path starts here).
    OrderResolved: replies.queue_reply_on_resolution,
    # A 12345 order's first holder: the platform's follow-ups kept before it arrived apply now.
    OrderDispatched: followups.apply_held,
    OrderLinked: followups.apply_held,
}
"""``gridline.orders``, consumer ``timeline``."""

EVENTS_FOR_ACTIVITY: dict[type[Any], Handler[Any, IntakeDeps]] = {
    OutageAnnounced: outages.open_announced_outage,
}
"""``gridline.activity``, consumer ``outages``."""

COMMANDS: dict[type[Any], Handler[Any, IntakeDeps]] = {
    AcceptItems: accept.accept_items,
    OpenPlannedOutage: outages.open_planned_outage,
    AddCareEntry: care.add_entry,
    CorrectCareEntry: care.correct_entry,
    RetireCareEntry: care.retire_entry,
    ReceiveFollowup: followups.receive_followup,
    RecordCallEvent: calls.record_call_event,
    LogCallbackAttempt: callbacks.log_attempt,
    RecordOwnCallback: own_followups.record_own_callback,
    UrgeOrder: own_followups.urge_order,
}
