"""The departments' commands: load the order (locked), check role and state (lifecycle), change
it, and return the event each action appends to ``gridline.orders``. Refusals change nothing.
What staff type is ``StaffText``: a caller's number quoted in a note is masked before it is
stored or published; the assignee reads the caller's phone from the order itself."""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from services.router import linking
from services.router.config import RouterDeps
from services.router.domain import chain as domain
from services.router.domain import lifecycle
from services.router.domain.lifecycle import Refused
from services.router.handlers import current_roster, follow, order_of, reassign
from services.router.store import RoutedOrder, RoutingRepository
from shared.auth import Principal
from shared.contracts import (
    AppointmentSet,
    AppointmentSetPayload,
    ComplaintVerified,
    ComplaintVerifiedPayload,
    Event,
    ExtensionGranted,
    ExtensionGrantedPayload,
    ExtensionRefused,
    ExtensionRefusedPayload,
    ExtensionRequested,
    ExtensionRequestedPayload,
    OrderAcknowledged,
    OrderAcknowledgedPayload,
    OrderResolved,
    OrderResolvedPayload,
    OrderReturned,
    OrderReturnedPayload,
    ProgressNoted,
    ProgressNotedPayload,
)
from shared.masking import StaffText

P = domain.PRODUCER


class AppointmentIn(BaseModel):
    appointment_at: AwareDatetime
    requested_by: Literal["caller", "utility"] = "utility"
    explanation: StaffText = Field("", max_length=1000, description="Required when re-agreeing")


class ProgressIn(BaseModel):
    note: StaffText = Field(min_length=1, max_length=2000)
    arrived_on_site: bool = False
    caller_told: bool = Field(False, description="已向来电人说明（未能按约定时间服务的解释）")


class ReturnIn(BaseModel):
    reason: StaffText = Field(min_length=1, max_length=1000, description="退单理由")
    target_department: str | None = Field(
        None, max_length=40, description="The department it belongs to"
    )


class ExtensionIn(BaseModel):
    extra_working_days: int = Field(ge=1, le=365)
    reason: StaffText = Field(min_length=1, max_length=1000)


class ExtensionDecisionIn(BaseModel):
    approve: bool
    reason: StaffText = Field("", max_length=1000)


class ResolveIn(BaseModel):
    verified: bool = True
    solved: bool = True
    contacted_at: AwareDatetime | None = None
    handling_notes: StaffText = Field(min_length=1, max_length=4000)
    public_reply: StaffText = Field(min_length=1, max_length=2000)


class ComplaintVerdictIn(BaseModel):
    verified: bool
    note: StaffText = Field("", max_length=1000)


async def _load(session: AsyncSession, order_id: str) -> tuple[RoutingRepository, RoutedOrder]:
    repo = RoutingRepository(session)
    row = await repo.get_for_update(order_id)
    if row is None:
        raise Refused(404, "not_found", f"no order {order_id}", "order_id")
    return repo, row


def _by(who: Principal) -> str:
    return who.subject or who.role


async def acknowledge(
    session: AsyncSession, who: Principal, order_id: str, now: datetime
) -> Sequence[Event]:
    repo, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("acknowledge", row.state)
    row.updated_at = now
    assignment = await repo.assignment(order_id, row.assignment_id)
    if assignment is not None:
        assignment.acknowledged_at = now
    payload = OrderAcknowledgedPayload(
        assignment_id=row.assignment_id, by=_by(who), department=row.department
    )
    return [OrderAcknowledged(order_id=order_id, occurred_at=now, producer=P, payload=payload)]


async def appointment(
    session: AsyncSession, who: Principal, order_id: str, body: AppointmentIn, now: datetime
) -> Sequence[Event]:
    _, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    lifecycle.check_move("appointment", row.state)
    previous = row.appointment_at
    lifecycle.check_reappointment(previous, body.explanation)
    row.appointment_at = body.appointment_at
    row.updated_at = now
    payload = AppointmentSetPayload(
        appointment_at=body.appointment_at,
        requested_by=body.requested_by,
        explanation=body.explanation,
        by=_by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        previous_appointment_at=previous,
    )
    return [AppointmentSet(order_id=order_id, occurred_at=now, producer=P, payload=payload)]


async def progress(
    session: AsyncSession, who: Principal, order_id: str, body: ProgressIn, now: datetime
) -> Sequence[Event]:
    _, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("progress", row.state)
    row.updated_at = now
    payload = ProgressNotedPayload(
        note=body.note,
        arrived_on_site=body.arrived_on_site,
        caller_told=body.caller_told,
        by=_by(who),
        department=row.department,
        assignment_id=row.assignment_id,
    )
    return [ProgressNoted(order_id=order_id, occurred_at=now, producer=P, payload=payload)]


async def return_order(
    session: AsyncSession,
    who: Principal,
    order_id: str,
    body: ReturnIn,
    now: datetime,
    deps: RouterDeps,
) -> Sequence[Event]:
    """退单: to the department the reason names, else to triage; a second return goes to a
    head (of the named department, else of triage) so the order stops bouncing."""
    repo, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    lifecycle.check_move("return", row.state)
    codes = {d.code for d in deps.org.departments}
    lifecycle.check_return(body.reason, body.target_department, row.department, codes)
    received = await repo.received_by_department(order_id, row.department)
    lifecycle.check_return_in_time(
        received or now, now, deps.policy.return_within_working_days, deps.calendar
    )
    returned = OrderReturned(
        order_id=order_id,
        occurred_at=now,
        producer=P,
        payload=OrderReturnedPayload(
            by=_by(who),
            department=row.department,
            reason=body.reason,
            target_department=body.target_department,
            assignment_id=row.assignment_id,
        ),
    )
    roster = await current_roster(session, deps)
    order = order_of(row)
    row.returns += 1
    target = body.target_department or deps.policy.triage_department
    if row.returns > deps.policy.returns_before_head:
        chosen = domain.head_assignment(target, None, roster)
    elif body.target_department is None:
        chosen = domain.triage_assignment(deps.policy, roster, now)
    else:
        chosen = domain.route_in(target, order, roster, now)
    moved = reassign(repo, row, chosen, order, now, deps, "returned")
    await follow(repo, row)
    return [returned, *moved]


async def request_extension(
    session: AsyncSession,
    who: Principal,
    order_id: str,
    body: ExtensionIn,
    now: datetime,
    deps: RouterDeps,
) -> Sequence[Event]:
    _, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    lifecycle.check_move("extension", row.state)
    ask = lifecycle.ExtensionAsk(body.extra_working_days, body.reason)
    lifecycle.check_extension_request(
        ask,
        row.deadline,
        row.extension_days,
        row.extension_request is not None,
        deps.policy.max_extension_working_days,
        now,
    )
    row.extension_request = {"days": ask.extra_working_days, "reason": ask.reason, "by": _by(who)}
    row.updated_at = now
    payload = ExtensionRequestedPayload(
        by=_by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        extra_working_days=ask.extra_working_days,
        reason=ask.reason,
        current_deadline=row.deadline,
    )
    return [ExtensionRequested(order_id=order_id, occurred_at=now, producer=P, payload=payload)]


async def decide_extension(
    session: AsyncSession,
    who: Principal,
    order_id: str,
    body: ExtensionDecisionIn,
    now: datetime,
    deps: RouterDeps,
) -> Sequence[Event]:
    _, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department, heads_only=True)
    lifecycle.check_move("extension_decision", row.state)
    asked = row.extension_request
    if asked is None:
        raise Refused(409, "no_extension_request", "没有待审批的延期申请", "approve")
    row.extension_request = None
    row.updated_at = now
    if not body.approve:
        refused = ExtensionRefusedPayload(
            refused_by=_by(who), department=row.department, reason=body.reason
        )
        return [ExtensionRefused(order_id=order_id, occurred_at=now, producer=P, payload=refused)]
    days = int(asked["days"])
    base = row.deadline or now
    row.deadline = lifecycle.extended_deadline(base, days, deps.calendar)
    row.extension_days += days
    granted = ExtensionGrantedPayload(
        new_deadline=row.deadline,
        extra_working_days=days,
        approved_by=_by(who),
        reason=str(asked["reason"]),
        department=row.department,
        requested_by=str(asked["by"]),
    )
    return [ExtensionGranted(order_id=order_id, occurred_at=now, producer=P, payload=granted)]


async def resolve(
    session: AsyncSession, who: Principal, order_id: str, body: ResolveIn, now: datetime
) -> Sequence[Event]:
    repo, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department)
    row.state = lifecycle.check_move("resolve", row.state)
    row.updated_at = now
    payload = OrderResolvedPayload(
        incident_id=row.incident_id,
        by=_by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        verified=body.verified,
        solved=body.solved,
        contacted_at=body.contacted_at,
        handling_notes=body.handling_notes,
        public_reply=body.public_reply,
    )
    resolved = OrderResolved(order_id=order_id, occurred_at=now, producer=P, payload=payload)
    if row.incident_id and row.primary_order_id is None:  # the incident's primary
        return [resolved, *await linking.cascade_resolution(repo, row, resolved, now)]
    return [resolved]


async def verify_complaint(
    session: AsyncSession,
    who: Principal,
    order_id: str,
    body: ComplaintVerdictIn,
    now: datetime,
) -> Sequence[Event]:
    """The head of the named worker's department finds the complaint true or not."""
    _, row = await _load(session, order_id)
    lifecycle.may_act(who, row.department, heads_only=True)
    worker = order_of(row).named_worker_id
    if row.category != "COMPLAINT" or worker is None:
        raise Refused(409, "not_a_complaint", "工单不是针对网格员的投诉", "order_id")
    if row.complaint_verdict is not None:
        raise Refused(409, "already_verified", f"投诉已核实：{row.complaint_verdict}", "verified")
    row.complaint_verdict = "verified" if body.verified else "rejected"
    row.updated_at = now
    payload = ComplaintVerifiedPayload(
        worker_id=worker, verified=body.verified, by=_by(who), note=body.note
    )
    return [ComplaintVerified(order_id=order_id, occurred_at=now, producer=P, payload=payload)]
