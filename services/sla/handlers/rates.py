"""What the month's rates count (``store.rates``): each resolution with whether it kept its
clock, each callback's verdict, each reopen, 催办 and 督办 — counted to the department and
grid holding the order when it happened. These handlers emit nothing."""

from collections.abc import Sequence
from functools import wraps
from typing import Any

from services.sla.config import SlaDeps
from services.sla.store.rates import (
    CALLBACK,
    REOPENED,
    RESOLVED,
    SUPERVISED,
    URGED,
    RateRepository,
)
from shared.contracts import (
    CallbackRecorded,
    Event,
    OrderDispatched,
    OrderEnvelope,
    OrderReopened,
    OrderResolved,
    OrderSupervised,
    OrderUrged,
)
from shared.unit_of_work import Handler, UnitOfWork

NONE: Sequence[Event] = ()


def also(handler: Handler[Any, SlaDeps], then: Handler[Any, SlaDeps]) -> Handler[Any, SlaDeps]:
    """``handler``, then ``then`` in the same unit of work; the events of both."""

    @wraps(handler)
    async def both(event: OrderEnvelope, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
        first = await handler(event, uow, deps)
        return [*first, *await then(event, uow, deps)]

    return both


async def holder_changed(
    event: OrderDispatched, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    d = event.payload
    await RateRepository(uow.session).hold(event.order_id, d.department, d.grid)
    return NONE


async def count_resolution(
    event: OrderResolved, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    """After the resolution's own handler, which judged whether it was on time."""
    rates = RateRepository(uow.session)
    on_time = await rates.on_time(event.order_id)
    if on_time is None:
        return NONE  # an order not known here: no clock to have kept
    await rates.record(
        str(event.event_id),
        event.order_id,
        RESOLVED,
        event.occurred_at,
        on_time=on_time,
        round=event.payload.round,
    )
    return NONE


async def count_reopen(event: OrderReopened, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    await RateRepository(uow.session).record(
        str(event.event_id), event.order_id, REOPENED, event.occurred_at, round=event.payload.round
    )
    return NONE


async def callback_recorded(
    event: CallbackRecorded, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    c = event.payload
    await RateRepository(uow.session).record(
        str(event.event_id),
        event.order_id,
        CALLBACK,
        event.occurred_at,
        satisfaction=c.satisfaction,
        solved=c.solved,
        round=c.round,
    )
    return NONE


async def urged(event: OrderUrged, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    await RateRepository(uow.session).record(
        str(event.event_id), event.order_id, URGED, event.occurred_at
    )
    return NONE


async def count_supervision(
    event: OrderSupervised, uow: UnitOfWork, _deps: SlaDeps
) -> Sequence[Event]:
    await RateRepository(uow.session).record(
        str(event.event_id), event.order_id, SUPERVISED, event.occurred_at
    )
    return NONE
