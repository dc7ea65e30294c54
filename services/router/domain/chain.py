"""Routing decisions, pure: who is responsible for an order right now.

category → department (data) → the grid of the caller's address in that department → the chain
A post → B post → the team's on-duty person → the department's on-duty person → the department
head (Art. 8). Who is available is decided at ``now`` from the roster; unavailable links are
skipped at once, each with its reason. Nobody is ever without an owner (首问负责制): the head is
the last link and is never skipped.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import cast, get_args

from services.router.domain.events import major_event
from services.router.domain.policy import RouterPolicy
from services.router.domain.roster import Roster
from shared.contracts import (
    ChainPosition,
    DutyDay,
    MajorEventRaised,
    OrderReceivedPayload,
    SkippedLink,
)
from shared.organisation import COMPLAINT_ROUTE, Grid

CHAIN: tuple[ChainPosition, ...] = ("A", "B", "TEAM_DUTY", "DEPT_DUTY", "HEAD")
UNREACHABLE_REASON = "通知失败"


@dataclass(frozen=True)
class Link:
    position: ChainPosition
    person_id: str | None
    unit: str = ""  # the team or department whose duty the link stands for


@dataclass(frozen=True)
class Assignment:
    department: str
    grid: str | None
    team: str | None
    assignee_id: str
    assignee_name: str
    position: ChainPosition
    skipped: tuple[SkippedLink, ...] = ()
    team_duty: tuple[DutyDay, ...] = ()  # named on the dispatch (domain/duty_days.py)


def as_position(value: str) -> ChainPosition:
    """A stored chain position, checked: the database holds it as text."""
    for known in get_args(ChainPosition):
        if value == known:
            return cast(ChainPosition, known)
    raise ValueError(f"unknown chain position {value!r}")


# --- where an order belongs ---------------------------------------------------------------------


def department_for(order: OrderReceivedPayload, roster: Roster, policy: RouterPolicy) -> str:
    """The owning department; unknown or unclassified categories go to triage. A complaint
    naming a worker belongs to that worker's department (its head verifies it)."""
    org = roster.org
    target = org.routing.get(order.category)
    if target == COMPLAINT_ROUTE:
        named = order.named_worker_id and org.department_of_person(order.named_worker_id)
        return named or policy.triage_department
    if target is None:
        return policy.triage_department
    return target


def grid_for(order: OrderReceivedPayload, department: str, roster: Roster) -> Grid | None:
    org = roster.org
    grid = org.grid(order.grid_hint) if order.grid_hint else None
    if grid is None or org.department_of_grid(grid) != department:
        grid = org.find_grid(department, order.address.community, order.account_no)
    return grid


def chain_for(department: str, grid: Grid | None, roster: Roster, now: datetime) -> list[Link]:
    """The links in order; with no grid the department's on-duty person comes first."""
    head = roster.org.department(department).head
    links: list[Link] = []
    if grid is not None:
        links += [
            Link("A", grid.a_post),
            Link("B", grid.b_post),
            Link("TEAM_DUTY", roster.on_duty(grid.team, now), grid.team),
        ]
    links += [
        Link("DEPT_DUTY", roster.on_duty(department, now), department),
        Link("HEAD", head, department),
    ]
    return links


def walk(
    links: Sequence[Link],
    start: int,
    roster: Roster,
    now: datetime,
    asked: frozenset[str] = frozenset(),
) -> tuple[Link, tuple[SkippedLink, ...]]:
    """The first available link from ``start``; the head (last link) is always taken."""
    skipped: list[SkippedLink] = []
    for link in links[start:-1]:
        why = _why_not(link, roster, now, asked)
        if why is None:
            return link, tuple(skipped)
        skipped.append(SkippedLink(person_id=link.person_id, position=link.position, reason=why))
    return links[-1], tuple(skipped)


def _why_not(link: Link, roster: Roster, now: datetime, asked: frozenset[str]) -> str | None:
    if link.person_id is None:
        return f"{link.unit} has nobody on duty"
    if link.person_id in asked:
        return f"{link.person_id} already asked and did not sign"
    on_duty = link.position in ("TEAM_DUTY", "DEPT_DUTY", "TRIAGE")
    return roster.unavailable_because(link.person_id, now, on_duty=on_duty)


def _assignment(
    department: str,
    grid: Grid | None,
    link: Link,
    skipped: tuple[SkippedLink, ...],
    roster: Roster,
) -> Assignment:
    assert link.person_id is not None  # the head always exists (validated organisation)
    person = roster.org.person(link.person_id)
    return Assignment(
        department=department,
        grid=grid.code if grid else None,
        team=grid.team if grid else None,
        assignee_id=link.person_id,
        assignee_name=person.name if person else "",
        position=link.position,
        skipped=skipped,
    )


def head_assignment(
    department: str,
    grid: Grid | None,
    roster: Roster,
    skipped: tuple[SkippedLink, ...] = (),
) -> Assignment:
    link = Link("HEAD", roster.org.department(department).head, department)
    return _assignment(department, grid, link, skipped, roster)


def route_in(
    department: str, order: OrderReceivedPayload, roster: Roster, now: datetime
) -> Assignment:
    """The first available link of the department's chain for the order's address."""
    grid = grid_for(order, department, roster)
    links = chain_for(department, grid, roster, now)
    link, skipped = walk(links, 0, roster, now)
    if grid is None:
        no_grid = SkippedLink(person_id=None, position="A", reason="address matches no grid")
        skipped = (no_grid, *skipped)
    return _assignment(department, grid, link, skipped, roster)


def back_to_holder(
    department: str,
    grid_code: str | None,
    holder: str,
    position: ChainPosition,
    fallback: Assignment,
    roster: Roster,
    now: datetime,
) -> Assignment:
    """A reopened order (重办) goes back to whoever last held it — they know the site and what
    was done — unless they cannot take it now; then to ``fallback`` (the chain as it stands),
    with the holder shown as skipped and why."""
    on_duty = position in ("TEAM_DUTY", "DEPT_DUTY", "TRIAGE")
    why = roster.unavailable_because(holder, now, on_duty=on_duty)
    if why is not None:
        gone = SkippedLink(person_id=holder, position=position, reason=f"原办理人：{why}")
        return replace(fallback, skipped=(gone, *fallback.skipped))
    grid = roster.org.grid(grid_code) if grid_code else None
    person = roster.org.person(holder)
    return Assignment(
        department=department,
        grid=grid_code,
        team=grid.team if grid else None,
        assignee_id=holder,
        assignee_name=person.name if person else "",
        position=position,
    )


def first_assignment(
    order: OrderReceivedPayload, roster: Roster, policy: RouterPolicy, now: datetime
) -> Assignment:
    department = department_for(order, roster, policy)
    if order.category == "COMPLAINT" and department != policy.triage_department:
        # A complaint about a worker goes to the head of the worker's department, not to the
        # worker's own chain (the accused does not handle their own complaint).
        assert order.named_worker_id is not None
        grids = roster.org.grids_of_person(order.named_worker_id)
        return head_assignment(department, grids[0] if grids else None, roster)
    if department == policy.triage_department:
        return triage_assignment(policy, roster, now)
    return route_in(department, order, roster, now)


def triage_assignment(policy: RouterPolicy, roster: Roster, now: datetime) -> Assignment:
    """Customer-service triage: the triage department's on-duty person, else its head."""
    department = policy.triage_department
    links = [
        Link("TRIAGE", roster.on_duty(department, now), department),
        Link("HEAD", roster.org.department(department).head, department),
    ]
    link, skipped = walk(links, 0, roster, now)
    return _assignment(department, None, link, skipped, roster)


# --- escalation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """What an overdue acknowledgement leads to: the next link, or the end of the chain."""

    next: Assignment | None
    chain_end: bool


def escalate(
    order: OrderReceivedPayload,
    department: str,
    position: ChainPosition,
    asked: frozenset[str],
    roster: Roster,
    now: datetime,
) -> Escalation:
    """The link after ``position``, skipping the unavailable and those already asked.

    Reaching the head this way means nobody signed: the chain has ended (a major event). A head
    who does not sign either leaves nobody further: ``next`` is None.
    """
    if position == "HEAD":
        return Escalation(next=None, chain_end=True)
    grid = grid_for(order, department, roster)
    if position == "TRIAGE":
        links = [Link("HEAD", roster.org.department(department).head, department)]
        start = 0
    else:
        links = chain_for(department, grid, roster, now)
        positions = [link.position for link in links]
        start = positions.index(position) + 1 if position in positions else len(links) - 1
    link, skipped = walk(links, start, roster, now, asked)
    chosen = _assignment(department, grid, link, skipped, roster)
    return Escalation(next=chosen, chain_end=chosen.position == "HEAD")


# --- on arrival -----------------------------------------------------------------------------


def major_on_arrival(
    order_id: str,
    chosen: Assignment,
    order: OrderReceivedPayload,
    roster: Roster,
    policy: RouterPolicy,
    now: datetime,
) -> list[MajorEventRaised]:
    reason = policy.is_major(order)
    area_wide = policy.is_area_wide(order)
    if reason is None and not area_wide:
        return []
    return [
        major_event(
            order_id,
            chosen.department,
            reason or "大面积停水",
            roster,
            policy,
            now,
            area_wide=area_wide,
        )
    ]
