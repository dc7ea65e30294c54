"""Routing decisions, pure: who is responsible for an order right now.

First rule (the full A/B chain with rosters follows): category → department → the grid of the
caller's address in that department → the grid's A post. With no grid, the department head owns
the order, so nobody is ever without an owner (首问负责制).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.contracts import (
    ChainPosition,
    OrderDispatched,
    OrderDispatchedPayload,
    OrderReceivedPayload,
    SkippedLink,
)
from shared.organisation import COMPLAINT_ROUTE, Organisation

PRODUCER = "router"
TRIAGE_DEPARTMENT = "DISPATCH"


@dataclass(frozen=True)
class Assignment:
    department: str
    grid: str | None
    team: str | None
    assignee_id: str
    assignee_name: str
    position: ChainPosition
    skipped: tuple[SkippedLink, ...] = ()


def department_for(category: str, org: Organisation) -> str:
    """The owning department; unknown or unclassified categories go to triage."""
    target = org.routing.get(category)
    if target is None or target == COMPLAINT_ROUTE:
        return TRIAGE_DEPARTMENT
    return target


def first_assignment(order: OrderReceivedPayload, org: Organisation) -> Assignment:
    department = department_for(order.category, org)
    grid = org.grid(order.grid_hint) if order.grid_hint else None
    if grid is None or org.department_of_grid(grid) != department:
        grid = org.find_grid(department, order.address.community, order.account_no)
    if grid is not None:
        person = org.person(grid.a_post)
        return Assignment(
            department=department,
            grid=grid.code,
            team=grid.team,
            assignee_id=grid.a_post,
            assignee_name=person.name if person else "",
            position="A",
        )
    head_id = org.department(department).head
    head = org.person(head_id)
    return Assignment(
        department=department,
        grid=None,
        team=None,
        assignee_id=head_id,
        assignee_name=head.name if head else "",
        position="HEAD",
        skipped=(SkippedLink(person_id=None, position="A", reason="address matches no grid"),),
    )


def ack_due(priority: str, now: datetime, normal_minutes: int, urgent_minutes: int) -> datetime:
    minutes = normal_minutes if priority == "normal" else urgent_minutes
    return now + timedelta(minutes=minutes)


def dispatched(
    order_id: str,
    assignment_id: int,
    chosen: Assignment,
    order: OrderReceivedPayload,
    due: datetime,
    now: datetime,
) -> OrderDispatched:
    return OrderDispatched(
        order_id=order_id,
        occurred_at=now,
        producer=PRODUCER,
        payload=OrderDispatchedPayload(
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
        ),
    )
