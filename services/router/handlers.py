"""The router's event handlers: load, decide (domain), save + the events it causes."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.router import domain, lifecycle
from services.router.policy import RouterPolicy
from services.router.roster import Roster, with_changes
from services.router.store import AssignmentRow, RosterRepository, RoutedOrder, RoutingRepository
from shared.contracts import (
    AckOverdue,
    Event,
    MajorEventRaised,
    NotificationFailed,
    OrderEvent,
    OrderReceived,
    OrderReceivedPayload,
    OrderReopened,
    SkippedLink,
)
from shared.organisation import Organisation
from shared.runtime import EventHandler
from shared.workdays import WorkCalendar


@dataclass(frozen=True)
class RouterDeps:
    org: Organisation
    policy: RouterPolicy
    calendar: WorkCalendar

    def base_roster(self) -> Roster:
        return Roster.from_org(self.org, self.calendar)


async def current_roster(session: AsyncSession, deps: RouterDeps) -> Roster:
    """The file's roster with the heads' changes made over HTTP."""
    entries = await RosterRepository(session).entries()
    return with_changes(deps.base_roster(), [(e.kind, e.subject, e.body) for e in entries])


def make_order_handler(deps: RouterDeps) -> EventHandler[OrderEvent]:
    async def on_order_event(
        event: OrderEvent, session: AsyncSession, now: datetime
    ) -> Sequence[Event]:
        match event:
            case OrderReceived():
                return await dispatch_new_order(event, session, now, deps)
            case AckOverdue():
                return await escalate_overdue(event, session, now, deps)
            case MajorEventRaised() if event.producer != domain.PRODUCER:
                return await major_from_elsewhere(event, session, now, deps)
            case OrderReopened():
                return await dispatch_reopened(event, session, now, deps)
            case NotificationFailed():
                return await skip_unreachable(event, session, now, deps)
        return []

    return on_order_event


def order_of(row: RoutedOrder) -> OrderReceivedPayload:
    return OrderReceivedPayload.model_validate(row.order)


async def dispatch_new_order(
    event: OrderReceived, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    repo = RoutingRepository(session)
    if await repo.get(event.order_id) is not None:
        return []  # already routed: a replayed OrderReceived changes nothing
    order = event.payload
    roster = await current_roster(session, deps)
    chosen = domain.first_assignment(order, roster, deps.policy, now)
    due = deps.policy.ack_due(order, now)
    majors = domain.major_on_arrival(event.order_id, chosen, order, roster, deps.policy, now)
    repo.add(
        RoutedOrder(
            order_id=event.order_id,
            category=order.category,
            priority=order.priority,
            state=lifecycle.DISPATCHED,
            department=chosen.department,
            grid=chosen.grid,
            assignee_id=chosen.assignee_id,
            chain_position=chosen.position,
            assignment_id=1,
            ack_due=due,
            received_at=order.received_at,
            order=order.model_dump(mode="json"),
            returns=0,
            major=bool(majors),
            deadline=lifecycle.resolve_deadline(
                order.received_at,
                order.platform_deadline,
                deps.policy.resolve_working_days,
                deps.calendar,
            ),
            extension_days=0,
            updated_at=now,
        ),
        _assignment_row(event.order_id, 1, chosen, now, due),
    )
    out: list[Event] = [domain.dispatched(event.order_id, 1, chosen, order, due, now)]
    return out + list(majors)


async def escalate_overdue(
    event: AckOverdue, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    repo = RoutingRepository(session)
    row = await repo.get_for_update(event.order_id)
    if row is None or row.state != lifecycle.DISPATCHED:
        return []  # unknown, or already acknowledged: a stale AckOverdue changes nothing
    if event.payload.assignment_id != row.assignment_id:
        return []  # for an assignment already replaced
    order = order_of(row)
    roster = await current_roster(session, deps)
    asked = await repo.asked(row.order_id, row.department)
    position = domain.as_position(row.chain_position)
    step = domain.escalate(order, row.department, position, asked, roster, now)
    out: list[Event] = []
    if step.next is not None:
        out += reassign(repo, row, step.next, order, now, deps, "ack_overdue")
    if step.chain_end:
        reason = (
            "无人签收：A/B岗与值班人员均未按时签收，已转部门负责人"
            if step.next is not None
            else "无人签收：部门负责人亦未按时签收"
        )
        out.append(
            domain.major_event(
                row.order_id,
                row.department,
                reason,
                roster,
                deps.policy,
                now,
                area_wide=step.next is None,
            )
        )
        row.major = True
    return out


async def skip_unreachable(
    event: NotificationFailed, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    """Notify could not reach the current assignee: they are unreachable, so the order moves
    down the A/B chain at once (reason 通知失败) instead of waiting for the ack deadline."""
    repo = RoutingRepository(session)
    row = await repo.get_for_update(event.order_id)
    failed = event.payload
    if row is None or row.state != lifecycle.DISPATCHED or row.chain_position == "HEAD":
        return []  # signed for meanwhile, or nobody further down the chain
    if failed.person_id != row.assignee_id or failed.assignment_id not in (
        None,
        row.assignment_id,
    ):
        return []  # about someone no longer responsible: stale
    order = order_of(row)
    roster = await current_roster(session, deps)
    asked = await repo.asked(row.order_id, row.department) | {failed.person_id}
    position = domain.as_position(row.chain_position)
    step = domain.escalate(order, row.department, position, asked, roster, now)
    if step.next is None:
        return []
    why = f"{domain.UNREACHABLE_REASON}：{failed.reason}"
    gone = SkippedLink(person_id=failed.person_id, position=position, reason=why)
    chosen = replace(step.next, skipped=(gone, *step.next.skipped))
    return reassign(repo, row, chosen, order, now, deps, "notification_failed")


async def dispatch_reopened(
    event: OrderReopened, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    """A resolved order reopened (the caller says it is not fixed) goes back to its
    department's chain, as it stands now."""
    repo = RoutingRepository(session)
    row = await repo.get_for_update(event.order_id)
    if row is None or row.state != lifecycle.RESOLVED:
        return []
    order = order_of(row)
    roster = await current_roster(session, deps)
    if row.department == deps.policy.triage_department:
        chosen = domain.triage_assignment(deps.policy, roster, now)
    else:
        chosen = domain.route_in(row.department, order, roster, now)
    return reassign(repo, row, chosen, order, now, deps, "reopened")


def reassign(
    repo: RoutingRepository,
    row: RoutedOrder,
    chosen: domain.Assignment,
    order: OrderReceivedPayload,
    now: datetime,
    deps: RouterDeps,
    reason: domain.DispatchReason,
) -> list[Event]:
    """The order's next assignment: the row moves on, a new assignment is kept, and the
    dispatch is announced with the next assignment_id (the SLA restarts the ack clock)."""
    number = row.assignment_id + 1
    due = deps.policy.ack_due(order, now)
    row.assignment_id = number
    row.department = chosen.department
    row.grid = chosen.grid
    row.assignee_id = chosen.assignee_id
    row.chain_position = chosen.position
    row.ack_due = due
    row.state = lifecycle.DISPATCHED
    row.updated_at = now
    repo.add(_assignment_row(row.order_id, number, chosen, now, due))
    return [domain.dispatched(row.order_id, number, chosen, order, due, now, reason)]


async def major_from_elsewhere(
    event: MajorEventRaised, session: AsyncSession, now: datetime, deps: RouterDeps
) -> Sequence[Event]:
    """Intake raises major events for incidents (many reports at once). The order's department
    head must hear of it at once (Art. 7): if intake's notice did not name them, the router
    raises it to them."""
    repo = RoutingRepository(session)
    row = await repo.get_for_update(event.order_id)
    if row is None:
        return []
    row.major = True
    roster = await current_roster(session, deps)
    head = roster.org.department(row.department).head
    if head in event.payload.notify:
        return []
    order = order_of(row)
    return [
        domain.major_event(
            row.order_id,
            row.department,
            event.payload.reason,
            roster,
            deps.policy,
            now,
            area_wide=deps.policy.is_area_wide(order) or row.category == "OUTAGE",
            incident_id=event.payload.incident_id,
        ).model_copy(update={"causation_id": event.event_id})
    ]


def _assignment_row(
    order_id: str, number: int, chosen: domain.Assignment, now: datetime, due: datetime
) -> AssignmentRow:
    return AssignmentRow(
        order_id=order_id,
        assignment_id=number,
        department=chosen.department,
        assignee_id=chosen.assignee_id,
        chain_position=chosen.position,
        dispatched_at=now,
        ack_due=due,
        acknowledged_at=None,
        skipped=[s.model_dump(mode="json") for s in chosen.skipped],
    )
