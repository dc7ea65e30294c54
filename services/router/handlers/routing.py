"""The router's event handlers: an order arrives and is dispatched; an unsigned order escalates
down its chain; an unreachable assignee is skipped; a reopened order goes back to its chain; a
major event raised elsewhere reaches the people; the SLA's deadline replaces the router's own.
Each loads, decides (``domain``), saves, and returns the events it causes."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.router.config import RouterDeps
from services.router.domain import chain, events, incidents, lifecycle
from services.router.domain.duty_days import with_team_duty
from services.router.handlers import incidents as linking
from services.router.store import (
    RoutedOrder,
    RoutingRepository,
    assignment_row,
    assignment_values,
    current_roster,
    order_of,
)
from shared.contracts import (
    AckOverdue,
    Event,
    MajorEventRaised,
    NotificationFailed,
    OrderReceived,
    OrderReceivedPayload,
    OrderReopened,
    OrderWithdrawn,
    ResolveDeadlineSet,
    SkippedLink,
)
from shared.unit_of_work import UnitOfWork


async def dispatch_new_order(
    event: OrderReceived, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    repo, now = RoutingRepository(uow.session), uow.now
    routed, early = await repo.arrival(event.order_id)
    if routed is not None:
        return []  # already routed: a replayed OrderReceived changes nothing
    order = event.payload
    split: incidents.Split | None = None
    if linking.arrives_linked(event.order_id, order):
        assert order.primary_order_id is not None and order.incident_id is not None
        primary = await repo.get(order.primary_order_id)
        split = incidents.split_rule(order, linking.primary_of(primary))
        if split is None:
            return linking.attach_new(repo, event, primary, now)
    roster = await current_roster(uow.session, deps)
    chosen = with_team_duty(chain.first_assignment(order, roster, deps.policy, now), roster, now)
    due = deps.policy.ack_due(order, now)
    key = incidents.notice_key(event.order_id, order.primary_order_id)
    majors = [
        told
        for raised in chain.major_on_arrival(
            event.order_id, chosen, order, roster, deps.policy, now
        )
        if (told := await linking.tell_once(repo, key, raised, now)) is not None
    ]
    row = _routed(event, chosen, due, bool(majors), split, deps, now)
    linking.adopt_early_links(row, early)
    await repo.insert_routed(row, assignment_values(event.order_id, 1, chosen, now, due))
    out: list[Event] = []
    if split is not None:
        assert order.incident_id is not None and order.primary_order_id is not None
        out.append(
            events.split_event(
                event.order_id, order.incident_id, order.primary_order_id, split, now
            )
        )
    out.append(events.dispatched(event.order_id, 1, chosen, order, due, now))
    return out + list(majors)


def _routed(
    event: OrderReceived,
    chosen: chain.Assignment,
    due: datetime,
    major: bool,
    split: incidents.Split | None,
    deps: RouterDeps,
    now: datetime,
) -> dict[str, Any]:
    """A new order's routing row, at its first assignment (the columns a Core insert takes)."""
    order = event.payload
    return {
        "order_id": event.order_id,
        "category": order.category,
        "priority": order.priority,
        "state": lifecycle.DISPATCHED,
        "department": chosen.department,
        "grid": chosen.grid,
        "assignee_id": chosen.assignee_id,
        "chain_position": chosen.position,
        "assignment_id": 1,
        "ack_due": due,
        "received_at": order.received_at,
        "order": order.model_dump(mode="json"),
        "returns": 0,
        "major": major,
        "deadline": lifecycle.resolve_deadline(
            order.received_at,
            order.platform_deadline,
            deps.policy.resolve_working_days,
            deps.calendar,
        ),
        "extension_days": 0,
        "updated_at": now,
        "incident_id": order.incident_id,
        "primary_order_id": order.primary_order_id if split else None,
        "split_rule": split.rule if split else None,
    }


async def follow_sla_deadline(
    event: ResolveDeadlineSet, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    """The SLA service computes the 办结时限 (policy by category, platform cap, fair pauses); the
    router's own figure set at dispatch stands only until this arrives."""
    await RoutingRepository(uow.session).set_deadline(event.order_id, event.payload.due)
    return []


async def escalate_overdue(event: AckOverdue, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    repo, now = RoutingRepository(uow.session), uow.now
    row = await repo.get_for_update(event.order_id)
    if row is None or row.state != lifecycle.DISPATCHED:
        return []  # unknown, or already acknowledged: a stale AckOverdue changes nothing
    if event.payload.assignment_id != row.assignment_id:
        return []  # for an assignment already replaced
    order = order_of(row)
    roster = await current_roster(uow.session, deps)
    asked = await repo.asked(row.order_id, row.department)
    position = chain.as_position(row.chain_position)
    step = chain.escalate(order, row.department, position, asked, roster, now)
    out: list[Event] = []
    if step.next is not None:
        chosen = with_team_duty(step.next, roster, now)
        out += reassign(repo, row, chosen, order, now, deps, "ack_overdue")
        await follow(repo, row)
    if step.chain_end:
        reason = (
            "无人签收：A/B岗与值班人员均未按时签收，已转部门负责人"
            if step.next is not None
            else "无人签收：部门负责人亦未按时签收"
        )
        unsigned = events.major_event(
            row.order_id,
            row.department,
            reason,
            roster,
            deps.policy,
            now,
            area_wide=step.next is None,
        )
        # Said whatever was said before (nobody signed is news); those told count as told.
        key = incidents.notice_key(row.order_id, row.primary_order_id)
        told = incidents.still_to_tell(unsigned.payload.notify, await repo.told(key))
        linking.record(repo, key, told, unsigned, now)
        out.append(unsigned)
        row.major = True
    return out


async def skip_unreachable(
    event: NotificationFailed, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    """Notify could not reach the current assignee: they are unreachable, so the order moves
    down the A/B chain at once (reason 通知失败) instead of waiting for the ack deadline."""
    repo, now = RoutingRepository(uow.session), uow.now
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
    roster = await current_roster(uow.session, deps)
    asked = await repo.asked(row.order_id, row.department) | {failed.person_id}
    position = chain.as_position(row.chain_position)
    step = chain.escalate(order, row.department, position, asked, roster, now)
    if step.next is None:
        return []
    why = f"{chain.UNREACHABLE_REASON}：{failed.reason}"
    gone = SkippedLink(person_id=failed.person_id, position=position, reason=why)
    chosen = with_team_duty(replace(step.next, skipped=(gone, *step.next.skipped)), roster, now)
    return reassign(repo, row, chosen, order, now, deps, "notification_failed")


async def dispatch_reopened(
    event: OrderReopened, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    """A resolved order reopened (the caller says it is not fixed, or 12345 sends it back) goes
    back to its last holder for its next round (第 2 次办理), else to its department's chain as
    it stands now."""
    repo, now = RoutingRepository(uow.session), uow.now
    row = await repo.get_for_update(event.order_id)
    if row is None or row.state != lifecycle.RESOLVED:
        return []
    order = order_of(row)
    roster = await current_roster(uow.session, deps)
    if row.department == deps.policy.triage_department:
        chain_now = chain.triage_assignment(deps.policy, roster, now)
    else:
        chain_now = chain.route_in(row.department, order, roster, now)
    position = chain.as_position(row.chain_position)
    chosen = chain.back_to_holder(
        row.department, row.grid, row.assignee_id, position, chain_now, roster, now
    )
    row.round = max(event.payload.round, (row.round or 1) + 1)
    chosen = with_team_duty(chosen, roster, now)
    return reassign(repo, row, chosen, order, now, deps, "reopened")


async def stop_withdrawn(
    event: OrderWithdrawn, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    """撤单: the order is over — nobody is to act on it and nothing escalates it."""
    row = await RoutingRepository(uow.session).get_for_update(event.order_id)
    if row is not None:
        row.state, row.updated_at = lifecycle.WITHDRAWN, uow.now
    return []


def reassign(
    repo: RoutingRepository,
    row: RoutedOrder,
    chosen: chain.Assignment,
    order: OrderReceivedPayload,
    now: datetime,
    deps: RouterDeps,
    reason: events.DispatchReason,
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
    repo.add(assignment_row(row.order_id, number, chosen, now, due))
    return [
        events.dispatched(row.order_id, number, chosen, order, due, now, reason, row.round or 1)
    ]


async def follow(repo: RoutingRepository, row: RoutedOrder) -> None:
    """The incident's linked orders move with its primary's assignment."""
    if row.incident_id and row.primary_order_id is None:
        linking.follow_primary(row, await repo.linked_to(row.order_id, incidents.LINKED))


async def major_from_elsewhere(
    event: MajorEventRaised, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    """Intake flags major events (a major-event report; an incident reaching many callers).
    The router tells the people (Art. 7): the department head and 调度中心 — each once per
    incident, whoever raised the event first. The router's own major events are not news."""
    if event.producer == events.PRODUCER:
        return []
    repo, now = RoutingRepository(uow.session), uow.now
    row = await repo.get_for_update(event.order_id)
    if row is None:
        return []
    row.major = True
    key = incidents.notice_key(row.order_id, row.primary_order_id)
    if event.payload.notify:  # told by the event itself (older intakes named them)
        told = incidents.still_to_tell(event.payload.notify, await repo.told(key))
        linking.record(repo, key, told, event, now)
    roster = await current_roster(uow.session, deps)
    raised = events.major_event(
        row.order_id,
        row.department,
        event.payload.reason,
        roster,
        deps.policy,
        now,
        # Intake's flags (an incident, a grid worker's major-event report) have always told
        # 调度中心 as well as the head; they still do, through the router.
        area_wide=True,
        incident_id=event.payload.incident_id or row.incident_id,
    ).model_copy(update={"causation_id": event.event_id})
    told_now = await linking.tell_once(repo, key, raised, now)
    return [told_now] if told_now is not None else []
