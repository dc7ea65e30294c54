"""The events the router's decisions announce on ``gridline.orders``, built from those decisions
(pure): a dispatch, a major event, a linked order attached to its incident or split off it."""

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from services.router.domain.incidents import Split
from services.router.domain.policy import RouterPolicy
from services.router.domain.roster import Roster
from shared.contracts import (
    MajorEventRaised,
    MajorEventRaisedPayload,
    OrderDispatched,
    OrderDispatchedPayload,
    OrderLinked,
    OrderLinkedPayload,
    OrderReceivedPayload,
    OrderSplit,
    OrderSplitPayload,
)
from shared.contracts.envelopes import envelope

if TYPE_CHECKING:
    from services.router.domain.chain import Assignment

PRODUCER = "router"
DispatchReason = Literal[
    "initial", "ack_overdue", "returned", "reopened", "manual", "notification_failed"
]


def dispatched(
    order_id: str,
    assignment_id: int,
    chosen: "Assignment",
    order: OrderReceivedPayload,
    due: datetime,
    now: datetime,
    reason: DispatchReason = "initial",
    round_number: int = 1,
) -> OrderDispatched:
    return envelope(
        OrderDispatched,
        order_id,
        OrderDispatchedPayload(
            assignment_id=assignment_id,
            department=chosen.department,
            grid=chosen.grid,
            team=chosen.team,
            assignee_id=chosen.assignee_id,
            assignee_name=chosen.assignee_name,
            chain_position=chosen.position,
            ack_due=due,
            skipped=chosen.skipped,
            category=order.category,
            priority=order.priority,
            reason=reason,
            round=round_number,
            team_duty=chosen.team_duty,
        ),
        now,
        PRODUCER,
    )


def major_event(
    order_id: str,
    department: str,
    reason: str,
    roster: Roster,
    policy: RouterPolicy,
    now: datetime,
    area_wide: bool = False,
    incident_id: str | None = None,
) -> MajorEventRaised:
    """Art. 7: the department head is told at once; an area-wide event also tells 调度中心."""
    notify = [roster.org.department(department).head]
    if area_wide:
        dispatch_head = roster.org.department(policy.major_events.dispatch_department).head
        if dispatch_head not in notify:
            notify.append(dispatch_head)
    return envelope(
        MajorEventRaised,
        order_id,
        MajorEventRaisedPayload(
            reason=reason, department=department, notify=tuple(notify), incident_id=incident_id
        ),
        now,
        PRODUCER,
    )


def split_event(
    order_id: str,
    incident_id: str,
    primary_order_id: str,
    split: Split,
    now: datetime,
    by: str = PRODUCER,
) -> OrderSplit:
    return envelope(
        OrderSplit,
        order_id,
        OrderSplitPayload(
            incident_id=incident_id,
            primary_order_id=primary_order_id,
            rule=split.rule,
            reason=split.reason,
            by=by,
        ),
        now,
        PRODUCER,
    )


def linked_event(
    order_id: str,
    incident_id: str,
    primary_order_id: str,
    department: str | None,
    assignee_id: str | None,
    now: datetime,
) -> OrderLinked:
    return envelope(
        OrderLinked,
        order_id,
        OrderLinkedPayload(
            incident_id=incident_id,
            primary_order_id=primary_order_id,
            department=department,
            assignee_id=assignee_id,
        ),
        now,
        PRODUCER,
    )
