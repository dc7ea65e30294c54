"""The SLA service's writes. Order events start, move and stop an order's deadlines
(``orders``, ``deadlines``, ``incidents``); the due ones are fired by the poller (``poller``).

A handler emits nothing of its own but ``ResolveDeadlineSet`` when the order's 办结时限 changed
(``resolve``), so that the router's inbox shows the deadline this service breaches on. A new
order and a dispatch say it themselves (they know the deadline they open); the other events
that can open or move it are watched (read before and after: ``watching_resolve``; issue 14);
the rest leave it where it was or close it, and a closed one is not said.

The service takes no commands from people (its HTTP side only reads): ``COMMANDS`` holds its
own loops' rounds, the poller and the gauges' recount.
"""

from collections.abc import Sequence
from functools import wraps
from typing import Any

from services.sla.config import SlaDeps
from services.sla.handlers.deadlines import (
    answer_promised,
    appointment_set,
    extension_granted,
    order_supervised,
    progress_noted,
    reply_sent,
)
from services.sla.handlers.incidents import order_linked, order_split
from services.sla.handlers.orders import (
    order_acknowledged,
    order_dispatched,
    order_received,
    order_reopened,
    order_resolved,
    order_returned,
    order_withdrawn,
)
from services.sla.handlers.poller import (
    FireDue,
    RecountGauges,
    fire_due_deadlines,
    recount_gauges,
)
from services.sla.handlers.rates import (
    also,
    callback_recorded,
    count_reopen,
    count_resolution,
    count_supervision,
    holder_changed,
    urged,
)
from services.sla.handlers.resolve import resolve_moved
from services.sla.store import DeadlineRepository
from shared.contracts import (
    AnswerPromised,
    AppointmentSet,
    CallbackRecorded,
    Event,
    ExtensionGranted,
    OrderAcknowledged,
    OrderDispatched,
    OrderEnvelope,
    OrderLinked,
    OrderReceived,
    OrderReopened,
    OrderResolved,
    OrderReturned,
    OrderSplit,
    OrderSupervised,
    OrderUrged,
    OrderWithdrawn,
    ProgressNoted,
    ReplySent,
    ResolveDeadlineSet,
)
from shared.unit_of_work import Handler, UnitOfWork


def watching_resolve(handler: Handler[Any, SlaDeps]) -> Handler[Any, SlaDeps]:
    """The handler, followed by ``ResolveDeadlineSet`` when the order's resolution deadline
    opened or moved in it — a new one (restarted, reopened, split) or the same one moved in
    place (a caller's pause, an extension). A handler that said it itself is not said for again.

    The due time before is kept as a value: the session hands back the same row object after
    the handler, so comparing rows would never see a move in place (the router's inbox kept the
    old deadline after an extension or a pause until this was fixed)."""

    @wraps(handler)
    async def watched(event: OrderEnvelope, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
        deadlines = DeadlineRepository(uow.session)
        before = await deadlines.resolve_due(event.order_id)
        due_before = before.due_at if before is not None else None
        caused = await handler(event, uow, deps)
        if any(isinstance(e, ResolveDeadlineSet) for e in caused):
            return caused
        after = await deadlines.resolve_due(event.order_id)
        return [*caused, *resolve_moved(event.order_id, due_before, after, uow.now)]

    return watched


EVENTS: dict[type[Any], Handler[Any, SlaDeps]] = {
    # Those that open the resolution deadline knowing it was not open say it themselves: a new
    # order's, a returned order's fresh one (issue 14: no read before and after).
    OrderReceived: order_received,
    OrderDispatched: also(order_dispatched, holder_changed),
    # Those that can open or move it otherwise are watched.
    AppointmentSet: watching_resolve(appointment_set),  # the caller's pause
    ExtensionGranted: watching_resolve(extension_granted),
    OrderReopened: watching_resolve(also(order_reopened, count_reopen)),
    OrderSplit: watching_resolve(order_split),
    # Those that leave it alone or close it.
    OrderAcknowledged: order_acknowledged,
    ProgressNoted: progress_noted,
    OrderReturned: order_returned,
    OrderResolved: also(order_resolved, count_resolution),
    ReplySent: reply_sent,
    OrderLinked: order_linked,
    OrderWithdrawn: order_withdrawn,  # 撤单: every clock stops
    # What the month's rates count besides (handlers.rates).
    CallbackRecorded: callback_recorded,
    OrderUrged: urged,
    OrderSupervised: also(order_supervised, count_supervision),  # 督办's answer clock
    AnswerPromised: answer_promised,  # 约定答复时间 (Art. 14)
}

COMMANDS: dict[type[Any], Handler[Any, SlaDeps]] = {
    FireDue: fire_due_deadlines,  # the poller: due deadlines → SlaWarning / SlaBreached
    RecountGauges: recount_gauges,  # read-only: the gauges from the database
}
