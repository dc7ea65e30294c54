"""Everything the router does, in two tables: the events it consumes from ``gridline.orders``
(``EVENTS``) and the commands people give it over HTTP (``COMMANDS``). Each handler has the one
shape ``(message, uow, deps) -> events``; the unit of work commits the change with its events
in the outbox, or nothing when a handler refuses.

- ``chasing``: 12345's 催办 and 督办 lift the order in its holder's inbox;
- ``routing``: dispatch, escalation, unreachable assignees, reopened and withdrawn orders,
  major events;
- ``incidents``: linked orders riding on their incident, split off, resolved with it;
- ``orders``: a department's actions on its orders; ``deadlines``: returns and extensions;
  ``promises``: the answer time promised to a caller (约定答复时间);
- ``roster``: roster and leave changes, each on the record;
- ``commands``: the command messages themselves;
- ``coverage``: the coverage look-ahead, the router's own loop (read-only).
"""

from typing import Any

from services.router.config import RouterDeps
from services.router.handlers import (
    chasing,
    deadlines,
    incidents,
    orders,
    promises,
    roster,
    routing,
)
from services.router.handlers.commands import (
    Acknowledge,
    DecideExtension,
    NoteProgress,
    PromiseAnswer,
    RequestExtension,
    Resolve,
    ReturnOrder,
    SetAppointment,
    SetLeave,
    SetOverrides,
    SetRotation,
    SetSwaps,
    SplitOff,
    VerifyComplaint,
)
from services.router.handlers.coverage import CheckCoverage, check_coverage
from shared.contracts import (
    AckOverdue,
    DuplicateLinked,
    MajorEventRaised,
    NotificationFailed,
    OrderReceived,
    OrderReopened,
    OrderSupervised,
    OrderUrged,
    OrderWithdrawn,
    PlatformDecided,
    ResolveDeadlineSet,
)
from shared.unit_of_work import Handler

EVENTS: dict[type[Any], Handler[Any, RouterDeps]] = {
    OrderReceived: routing.dispatch_new_order,
    DuplicateLinked: incidents.link_existing,
    AckOverdue: routing.escalate_overdue,
    MajorEventRaised: routing.major_from_elsewhere,
    OrderReopened: routing.dispatch_reopened,  # to its last holder, for its next round
    OrderWithdrawn: routing.stop_withdrawn,
    NotificationFailed: routing.skip_unreachable,
    ResolveDeadlineSet: routing.follow_sla_deadline,
    OrderUrged: chasing.urged,  # rises to the top of the holder's inbox
    OrderSupervised: chasing.supervised,
    PlatformDecided: deadlines.platform_decided,  # 12345's answer to our 延期 request
}

COMMANDS: dict[type[Any], Handler[Any, RouterDeps]] = {
    Acknowledge: orders.acknowledge,
    SetAppointment: orders.set_appointment,
    PromiseAnswer: promises.promise_answer,
    NoteProgress: orders.note_progress,
    ReturnOrder: deadlines.return_order,
    RequestExtension: deadlines.request_extension,
    DecideExtension: deadlines.decide_extension,
    Resolve: orders.resolve,
    VerifyComplaint: orders.verify_complaint,
    SplitOff: incidents.split_off,
    SetLeave: roster.set_leave,
    SetOverrides: roster.set_overrides,
    SetRotation: roster.set_rotation,
    SetSwaps: roster.set_swaps,
    CheckCoverage: check_coverage,  # the coverage loop's round (read-only)
}
