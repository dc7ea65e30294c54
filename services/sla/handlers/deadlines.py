"""Events that move or stop some of an order's deadlines while the same department holds it: an
appointment (booked, or moved at the caller's request: a fair pause), an extension (延期),
arrival on site, word to the caller before the agreed time, the reply, a 12345 督办's answer
deadline and the answer time promised to the caller (约定答复时间, Art. 14)."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from services.sla import domain
from services.sla.config import SlaDeps
from services.sla.store import APPOINTMENT, DeadlineRepository, DeadlineRow, OrderRepository
from shared.contracts import (
    AnswerPromised,
    AppointmentSet,
    Event,
    ExtensionGranted,
    OrderSupervised,
    ProgressNoted,
    ReplySent,
)
from shared.unit_of_work import UnitOfWork

NONE: Sequence[Event] = ()


async def appointment_set(event: AppointmentSet, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
    p = event.payload
    deadlines = DeadlineRepository(uow.session)
    orders = OrderRepository(uow.session)
    order = await orders.find(event.order_id)
    # The router names the time being re-agreed; older events leave it to what we stored.
    previous = p.previous_appointment_at or (order.appointment_at if order is not None else None)
    await deadlines.close(event.order_id, ("appointment",))
    if p.requested_by == "caller":
        pause = domain.caller_pause(previous, p.appointment_at, event.occurred_at)
        if pause > timedelta(0):
            await _pause_resolution(deadlines, deps, event.order_id, pause)
    appointment = domain.NewDeadline(
        kind="appointment",
        purpose=APPOINTMENT,
        due=p.appointment_at,
        department=order.department if order is not None else None,
        assignee_id=order.assignee_id if order is not None else None,
        # 18(一)4: whether a missed time was explained is decided when it is missed, from
        # a word to the caller after this booking (a note typed at booking is not one;
        # a re-agreement's explanation covers the time it replaces, not this one).
        explained=False,
    )
    await deadlines.open(event.order_id, [appointment], uow.now)
    if order is not None:
        await orders.change(event.order_id, appointment_at=p.appointment_at)
    return NONE


async def _pause_resolution(
    deadlines: DeadlineRepository, deps: SlaDeps, order_id: str, pause: timedelta
) -> None:
    for row in await deadlines.open_of(order_id, ("resolve",)):
        if row.policy_due is None:
            continue  # only the platform's deadline: the platform does not wait
        moved = domain.shifted(
            row.started_at or row.created_at,
            row.policy_due,
            row.platform_due,
            pause,
            row.clock,
            row.warned,
            deps.warning,
            deps.calendar,
        )
        row.policy_due, row.due_at = moved.policy_due, moved.due
        if not row.warned:
            row.warn_at = moved.warn_at
        row.next_at = _next_at(row)
        row.paused_seconds += int(pause.total_seconds())


async def extension_granted(
    event: ExtensionGranted, uow: UnitOfWork, deps: SlaDeps
) -> Sequence[Event]:
    new_deadline = event.payload.new_deadline
    deadlines = DeadlineRepository(uow.session)
    for row in await deadlines.open_of(event.order_id, ("resolve", "reply")):
        moved = domain.extended(
            row.started_at or row.created_at,
            new_deadline,
            row.clock,
            deps.warning,
            deps.calendar,
        )
        row.policy_due, row.due_at, row.warn_at = moved.policy_due, moved.due, moved.warn_at
        if row.platform_due is not None:
            row.platform_due = new_deadline
        row.warned = False
        row.next_at = _next_at(row)
    return NONE


async def progress_noted(event: ProgressNoted, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    deadlines = DeadlineRepository(uow.session)
    if event.payload.arrived_on_site:
        await deadlines.close(event.order_id, ("arrive", "appointment"))
    elif event.payload.caller_told:
        for row in await deadlines.open_of(event.order_id, ("appointment",)):
            row.explained = True  # told before the time: a miss is an explained one
    if event.payload.caller_told:
        # The word to the caller is the answer the holder promised them (Art. 14).
        await deadlines.close(event.order_id, ("promise",))
    return NONE


async def reply_sent(event: ReplySent, uow: UnitOfWork, _deps: SlaDeps) -> Sequence[Event]:
    # The written answer to the platform answers its 督办 too.
    await DeadlineRepository(uow.session).close(event.order_id, ("reply", "supervise"))
    return NONE


async def order_supervised(
    event: OrderSupervised, uow: UnitOfWork, deps: SlaDeps
) -> Sequence[Event]:
    """督办: its answer deadline is a clock with yellow and red cards, naming whoever holds the
    order. A later 督办 replaces an earlier one's deadline; the reply to the platform (or, for
    an order owing none, its resolution) answers it. A withdrawn order, or one resolved and
    answered already, starts none: there is nothing left for anyone to do in time."""
    order = await OrderRepository(uow.session).find(event.order_id)
    if order is None or order.state == "withdrawn":
        return NONE
    deadlines = DeadlineRepository(uow.session)
    if order.state == "resolved" and not await deadlines.open_of(event.order_id, ("reply",)):
        return NONE
    await deadlines.close(event.order_id, ("supervise",))
    clock = domain.supervision(
        event.occurred_at,
        event.payload.deadline,
        deps.calendar,
        deps.warning,
        order.department,
        order.assignee_id,
    )
    await deadlines.open(event.order_id, [clock], uow.now)
    return NONE


async def answer_promised(event: AnswerPromised, uow: UnitOfWork, deps: SlaDeps) -> Sequence[Event]:
    """约定答复时间: a clock with yellow and red cards naming whoever made the promise. A new
    promise replaces the last; a word to the caller, the resolution or a return answers it. An
    order withdrawn or resolved here already starts none."""
    order = await OrderRepository(uow.session).find(event.order_id)
    if order is not None and order.state in ("withdrawn", "resolved"):
        return NONE
    deadlines = DeadlineRepository(uow.session)
    await deadlines.close(event.order_id, ("promise",))
    p = event.payload
    clock = domain.promised_answer(
        event.occurred_at, p.promised_at, deps.calendar, deps.warning, p.department, p.assignee_id
    )
    await deadlines.open(event.order_id, [clock], uow.now)
    return NONE


def _next_at(row: DeadlineRow) -> datetime:
    if not row.warned and row.warn_at is not None and row.warn_at < row.due_at:
        return row.warn_at
    return row.due_at
