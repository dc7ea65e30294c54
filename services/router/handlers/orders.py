"""A department's actions on its orders: load the order (locked), check role and state
(``domain/lifecycle``), change it, and return the event each action appends to
``gridline.orders``. A refusal changes nothing. What staff type is ``StaffText``: a caller's
number quoted in a note is masked before it is stored or published; the assignee reads the
caller's phone from the order itself."""

from collections.abc import Sequence

from services.router.config import RouterDeps
from services.router.domain import lifecycle
from services.router.domain.events import PRODUCER as P
from services.router.domain.refusals import AlreadyVerified, NoSuchOrder, NotAComplaint
from services.router.handlers import incidents as linking
from services.router.handlers.commands import (
    Acknowledge,
    NoteProgress,
    Resolve,
    SetAppointment,
    VerifyComplaint,
)
from services.router.store import RoutedOrder, RoutingRepository, order_of
from shared.auth import Principal
from shared.contracts import (
    AppointmentSet,
    AppointmentSetPayload,
    ComplaintVerified,
    ComplaintVerifiedPayload,
    Event,
    OrderAcknowledged,
    OrderAcknowledgedPayload,
    OrderResolved,
    OrderResolvedPayload,
    ProgressNoted,
    ProgressNotedPayload,
)
from shared.contracts.envelopes import envelope
from shared.unit_of_work import UnitOfWork


async def load(uow: UnitOfWork, order_id: str) -> tuple[RoutingRepository, RoutedOrder]:
    repo = RoutingRepository(uow.session)
    row = await repo.get_for_update(order_id)
    if row is None:
        raise NoSuchOrder(order_id)
    return repo, row


def by(who: Principal) -> str:
    return who.subject or who.role


async def acknowledge(command: Acknowledge, uow: UnitOfWork, _deps: RouterDeps) -> Sequence[Event]:
    order_id, who, now = command.order_id, command.who, uow.now
    repo, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("acknowledge", row.state)
    row.updated_at = now
    assignment = await repo.assignment(order_id, row.assignment_id)
    if assignment is not None:
        assignment.acknowledged_at = now
    payload = OrderAcknowledgedPayload(
        assignment_id=row.assignment_id, by=by(who), department=row.department
    )
    return [envelope(OrderAcknowledged, order_id, payload, now, P)]


async def set_appointment(
    command: SetAppointment, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    lifecycle.check_move("appointment", row.state)
    lifecycle.check_appointment_time(body.appointment_at, now)
    previous = row.appointment_at
    lifecycle.check_reappointment(previous, body.explanation)
    row.appointment_at = body.appointment_at
    row.updated_at = now
    payload = AppointmentSetPayload(
        appointment_at=body.appointment_at,
        requested_by=body.requested_by,
        explanation=body.explanation,
        by=by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        previous_appointment_at=previous,
    )
    return [envelope(AppointmentSet, order_id, payload, now, P)]


async def note_progress(
    command: NoteProgress, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("progress", row.state)
    row.updated_at = now
    payload = ProgressNotedPayload(
        note=body.note,
        arrived_on_site=body.arrived_on_site,
        caller_told=body.caller_told,
        by=by(who),
        department=row.department,
        assignment_id=row.assignment_id,
    )
    return [envelope(ProgressNoted, order_id, payload, now, P)]


async def resolve(command: Resolve, uow: UnitOfWork, _deps: RouterDeps) -> Sequence[Event]:
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    repo, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("resolve", row.state)
    row.updated_at = now
    payload = OrderResolvedPayload(
        incident_id=row.incident_id,
        by=by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        verified=body.verified,
        solved=body.solved,
        contacted_at=body.contacted_at,
        handling_notes=body.handling_notes,
        public_reply=body.public_reply,
        round=row.round or 1,
    )
    resolved = envelope(OrderResolved, order_id, payload, now, P)
    if row.incident_id and row.primary_order_id is None:  # the incident's primary
        return [resolved, *await linking.cascade_resolution(repo, row, resolved, now)]
    return [resolved]


async def verify_complaint(
    command: VerifyComplaint, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    """The head of the named worker's department finds the complaint true or not."""
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department, heads_only=True)
    worker = order_of(row).named_worker_id
    if row.category != "COMPLAINT" or worker is None:
        raise NotAComplaint("工单不是针对网格员的投诉", "order_id")
    if row.complaint_verdict is not None:
        raise AlreadyVerified(f"投诉已核实：{row.complaint_verdict}", "verified")
    row.complaint_verdict = "verified" if body.verified else "rejected"
    row.updated_at = now
    payload = ComplaintVerifiedPayload(
        worker_id=worker, verified=body.verified, by=by(who), note=body.note
    )
    return [envelope(ComplaintVerified, order_id, payload, now, P)]
