"""Returns and extensions, a department's answers to an order it cannot finish as dispatched:
退单 (not ours: to the department the reason names, else triage; a second return goes to a
head) and 延期 (more working days, asked by the department and decided by its head).

For a 12345 order both are the platform's to decide (issue 20): a 延期 it answers settles the
pending request as the head's decision would; a 退单 of an order that is not the utility's (no
department of ours named) is asked of the platform and waits for its answer — the holder keeps
the order and its clocks run; approved, the order leaves the utility (``returned``: every clock
stops, no reply, nothing counted); refused, it stays, and the holder and the head are told."""

from collections.abc import Sequence
from datetime import datetime

from services.router.config import RouterDeps
from services.router.domain import chain, lifecycle
from services.router.domain.duty_days import with_team_duty
from services.router.domain.events import PRODUCER as P
from services.router.domain.refusals import NoExtensionRequest
from services.router.handlers.commands import DecideExtension, RequestExtension, ReturnOrder
from services.router.handlers.orders import by, load
from services.router.handlers.routing import follow, reassign
from services.router.store import RoutedOrder, RoutingRepository, current_roster, order_of
from shared.contracts import (
    Event,
    ExtensionGranted,
    ExtensionGrantedPayload,
    ExtensionRefused,
    ExtensionRefusedPayload,
    ExtensionRequested,
    ExtensionRequestedPayload,
    OrderReturned,
    OrderReturnedPayload,
    PlatformDecided,
    ReturnRefused,
    ReturnRefusedPayload,
    ReturnRequested,
    ReturnRequestedPayload,
)
from shared.contracts.envelopes import envelope
from shared.unit_of_work import UnitOfWork

PLATFORM = "12345"  # who decided, when the platform answers our request


async def return_order(command: ReturnOrder, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    """退单: to the department the reason names, else to triage; a second return goes to a
    head (of the named department, else of triage) so the order stops bouncing."""
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    repo, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    lifecycle.check_move("return", row.state)
    lifecycle.check_no_return_pending(row.return_request is not None)
    codes = {d.code for d in deps.org.departments}
    lifecycle.check_return(body.reason, body.target_department, row.department, codes)
    received = await repo.received_by_department(order_id, row.department)
    lifecycle.check_return_in_time(
        received or now, now, deps.policy.return_within_working_days, deps.calendar
    )
    if lifecycle.to_platform(order_of(row).source, body.target_department):
        return [ask_the_platform(row, by(who), body.reason, now)]
    returned = envelope(
        OrderReturned,
        order_id,
        OrderReturnedPayload(
            by=by(who),
            department=row.department,
            reason=body.reason,
            target_department=body.target_department,
            assignment_id=row.assignment_id,
        ),
        now,
        P,
    )
    roster = await current_roster(uow.session, deps)
    order = order_of(row)
    row.returns += 1
    target = body.target_department or deps.policy.triage_department
    if row.returns > deps.policy.returns_before_head:
        chosen = chain.head_assignment(target, None, roster)
    elif body.target_department is None:
        chosen = chain.triage_assignment(deps.policy, roster, now)
    else:
        chosen = chain.route_in(target, order, roster, now)
    moved = reassign(repo, row, with_team_duty(chosen, roster, now), order, now, deps, "returned")
    await follow(repo, row)
    return [returned, *moved]


async def request_extension(
    command: RequestExtension, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
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
    row.extension_request = {"days": ask.extra_working_days, "reason": ask.reason, "by": by(who)}
    row.updated_at = now
    payload = ExtensionRequestedPayload(
        by=by(who),
        department=row.department,
        assignment_id=row.assignment_id,
        extra_working_days=ask.extra_working_days,
        reason=ask.reason,
        current_deadline=row.deadline,
    )
    return [envelope(ExtensionRequested, order_id, payload, now, P)]


async def decide_extension(
    command: DecideExtension, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department, heads_only=True)
    lifecycle.check_move("extension_decision", row.state)
    asked = row.extension_request
    if asked is None:
        raise NoExtensionRequest("没有待审批的延期申请", "approve")
    return decided(row, body.approve, by(who), body.reason, now, deps)


def ask_the_platform(row: RoutedOrder, who: str, reason: str, now: datetime) -> Event:
    """退单 of a 12345 order that is not the utility's: asked of the platform, not done. Nothing
    moves until it answers; a second 退单 meanwhile is refused (``check_no_return_pending``)."""
    row.return_request = {"reason": reason, "by": who, "at": now.isoformat()}
    row.updated_at = now
    payload = ReturnRequestedPayload(
        by=who, department=row.department, assignment_id=row.assignment_id, reason=reason
    )
    return envelope(ReturnRequested, row.order_id, payload, now, P)


async def platform_decided(
    event: PlatformDecided, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    """12345's answer to our request settles the pending one: a 延期 exactly as the head's
    decision would (a new deadline, or a refusal); a 退单 returns the order to the platform or
    leaves it with its holder. With nothing pending (or the order over) the platform's word is
    only on record, in intake's timeline."""
    row = await RoutingRepository(uow.session).get_for_update(event.order_id)
    if row is None or row.state in (*lifecycle.CLOSED, lifecycle.LINKED):
        return []
    p, reason = event.payload, event.payload.reason or "12345 平台审批"
    if p.request == "return":
        if row.return_request is None:
            return []
        out = return_decided(row, p.approved, reason, uow.now)
    else:
        if row.extension_request is None:
            return []  # nothing asked, or the head already decided
        out = decided(row, p.approved, PLATFORM, reason, uow.now, deps)
    return [e.model_copy(update={"causation_id": event.event_id}) for e in out]


def return_decided(row: RoutedOrder, approve: bool, reason: str, now: datetime) -> list[Event]:
    """Approved: the order goes back to the platform and is over here (已退单) — the SLA stops
    every clock, no reply is owed, nothing is counted. Refused: it stays with its holder."""
    asked = row.return_request
    assert asked is not None
    row.return_request = None
    row.updated_at = now
    if not approve:
        refused = ReturnRefusedPayload(
            refused_by=PLATFORM,
            department=row.department,
            assignment_id=row.assignment_id,
            reason=reason,
            requested_by=str(asked["by"]),
        )
        return [envelope(ReturnRefused, row.order_id, refused, now, P)]
    row.state = lifecycle.RETURNED
    returned = OrderReturnedPayload(
        by=str(asked["by"]),
        department=row.department,
        reason=str(asked["reason"]),
        assignment_id=row.assignment_id,
        to_platform=True,
        approved_by=PLATFORM,
    )
    return [envelope(OrderReturned, row.order_id, returned, now, P)]


def decided(
    row: RoutedOrder, approve: bool, who: str, reason: str, now: datetime, deps: RouterDeps
) -> list[Event]:
    """The pending 延期 request settled, by the head or by the 12345 platform."""
    asked = row.extension_request
    assert asked is not None
    order_id = row.order_id
    row.extension_request = None
    row.updated_at = now
    if not approve:
        refused = ExtensionRefusedPayload(refused_by=who, department=row.department, reason=reason)
        return [envelope(ExtensionRefused, order_id, refused, now, P)]
    days = int(asked["days"])
    base = row.deadline or now
    row.deadline = lifecycle.extended_deadline(base, days, deps.calendar)
    row.extension_days += days
    granted = ExtensionGrantedPayload(
        new_deadline=row.deadline,
        extra_working_days=days,
        approved_by=who,
        reason=str(asked["reason"]),
        department=row.department,
        requested_by=str(asked["by"]),
    )
    return [envelope(ExtensionGranted, order_id, granted, now, P)]
