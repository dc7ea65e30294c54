"""The router's read side: one order's routing, an incident's orders, the
roster as it stands, its audit, coverage findings and the routing preview. Functions over an
open session (``runtime.db.snapshot()``) or over the current roster; nothing here writes."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.router.config import RouterDeps
from services.router.domain import chain, lifecycle
from services.router.domain.coverage import Finding, findings
from services.router.domain.refusals import NoSuchOrder
from services.router.domain.roster import Roster
from services.router.schemas import AssignmentOut, IncidentOut, OrderOut, RiderOut
from services.router.schemas.roster import (
    AuditOut,
    PersonNow,
    RosterOut,
    RoutingPreview,
    SkippedOut,
    UnitDuty,
)
from services.router.store import (
    AssignmentRow,
    RosterRepository,
    RoutedOrder,
    RoutingRepository,
    current_roster,
)
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import OrderReceivedPayload
from shared.masking import mask_json, mask_phone

# --- orders ---------------------------------------------------------------------------------


async def order_view(
    session: AsyncSession, order_id: str, who: Principal | None = None
) -> OrderOut:
    """One order's routing and its assignments; ``who`` must be allowed to act on it."""
    repo = RoutingRepository(session)
    row = await repo.get(order_id)
    if row is None:
        raise NoSuchOrder(order_id)
    assignments = await repo.assignments(order_id)
    if who is not None:
        lifecycle.may_act(who, row.department)
    return _order_out(row, assignments)


async def incident_view(
    session: AsyncSession, who: Principal, primary_order_id: str
) -> IncidentOut:
    repo = RoutingRepository(session)
    primary = await repo.get(primary_order_id)
    riders = await repo.linked_to(primary_order_id)
    if primary is None:
        raise NoSuchOrder(primary_order_id)
    lifecycle.may_act(who, primary.department)
    return IncidentOut(
        primary_order_id=primary.order_id,
        incident_id=primary.incident_id,
        department=primary.department,
        assignee_id=primary.assignee_id,
        state=primary.state,
        callers=1 + sum(1 for r in riders if r.split_rule is None),
        orders=[
            RiderOut(order_id=r.order_id, state=r.state, split_rule=r.split_rule) for r in riders
        ],
    )


def _local(when: datetime | None) -> str | None:
    return to_local(when).isoformat() if when is not None else None


def _order_out(row: RoutedOrder, assignments: list[AssignmentRow]) -> OrderOut:
    return OrderOut(
        order_id=row.order_id,
        category=row.category,
        priority=row.priority,
        state=row.state,
        department=row.department,
        grid=row.grid,
        assignee_id=row.assignee_id,
        chain_position=row.chain_position,
        assignment_id=row.assignment_id,
        returns=row.returns,
        major=row.major,
        deadline=_local(row.deadline),
        extension_days=row.extension_days,
        extension_request=mask_json(row.extension_request),
        return_request=mask_json(row.return_request),
        appointment_at=_local(row.appointment_at),
        complaint_verdict=row.complaint_verdict,
        assignments=[
            AssignmentOut(
                assignment_id=a.assignment_id,
                department=a.department,
                assignee_id=a.assignee_id,
                chain_position=a.chain_position,
                dispatched_at=to_local(a.dispatched_at).isoformat(),
                ack_due=to_local(a.ack_due).isoformat(),
                acknowledged_at=_local(a.acknowledged_at),
                skipped=list(a.skipped),
            )
            for a in assignments
        ],
    )


# --- roster ---------------------------------------------------------------------------------


def roster_view(roster: Roster, when: datetime, department: str | None) -> RosterOut:
    """Who is on duty for each unit, and who is reachable now and why not."""
    org = roster.org
    units = [
        UnitDuty(
            unit=code,
            name=_unit_name(roster, code),
            rotation=list(people),
            rotation_from=_pending_from(roster, code, when),
            rotation_now=list(roster.rotation_on(code, roster.duty_date(when))),
            on_duty_now=roster.on_duty(code, when),
            swaps=[s.model_dump(mode="json") for s in roster.swaps if s.unit == code],
        )
        for code, people in roster.rotations.items()
        if department is None or _unit_department(roster, code) == department
    ]
    people = []
    for p in org.people:
        dept = org.department_of_person(p.id)
        if department is not None and dept != department:
            continue
        # The person on duty is reachable all duty day, as routing picks them at night.
        why = roster.reachable_why_not(p.id, when)
        people.append(
            PersonNow(
                id=p.id,
                name=p.name,
                role=p.role,
                department=dept,
                available=why is None,
                why_not=why,
                on_duty_for=list(roster.duty_units(p.id, when)),
            )
        )
    return RosterOut(
        at=to_local(when).isoformat(),
        duty_date=roster.duty_date(when).isoformat(),
        units=units,
        people=people,
        leave=[lv.model_dump(mode="json", by_alias=True) for lv in roster.leave],
        overrides=[o.model_dump(mode="json", by_alias=True) for o in roster.overrides],
    )


def _pending_from(roster: Roster, unit: str, when: datetime) -> str | None:
    """The duty date a rotation edit not yet in force starts on."""
    today = roster.duty_date(when)
    starts = [p.start for p in roster.rotation_periods.get(unit, ()) if p.start and p.start > today]
    return max(starts).isoformat() if starts else None


def leave_of(roster: Roster, person: str | None) -> list[dict[str, Any]]:
    return [
        lv.model_dump(mode="json", by_alias=True)
        for lv in roster.leave
        if person is None or lv.person == person
    ]


async def roster_audit(
    session: AsyncSession, subject: str | None, limit: int, offset: int
) -> list[AuditOut]:
    rows = await RosterRepository(session).audit(subject, limit, offset)
    return [
        AuditOut(
            id=r.id,
            kind=r.kind,
            subject=r.subject,
            who=r.who,
            role=r.role,
            at=to_local(r.at).isoformat(),
            # Rows written before notes were masked on the way in are masked on the way out.
            before=mask_json(r.before),
            after=mask_json(r.after),
            note=mask_phone(r.note),
        )
        for r in rows
    ]


def _unit_department(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    return team.department if team else unit


def _unit_name(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    if team is not None:
        return team.name
    return next((d.name for d in roster.org.departments if d.code == unit), unit)


# --- coverage and the routing preview -------------------------------------------------------


async def coverage_findings(
    session: AsyncSession, deps: RouterDeps, now: datetime, days: int
) -> list[Finding]:
    return findings(await current_roster(session, deps), now, days)


def preview(
    roster: Roster, deps: RouterDeps, order: OrderReceivedPayload, now: datetime
) -> RoutingPreview:
    """Who would get ``order`` now, and whom the chain skipped on the way, with why."""
    chosen = chain.first_assignment(order, roster, deps.policy, now)
    org = deps.org
    return RoutingPreview(
        department=chosen.department,
        department_name=org.department(chosen.department).name,
        grid=chosen.grid,
        team=chosen.team,
        assignee_id=chosen.assignee_id,
        assignee_name=chosen.assignee_name,
        chain_position=chosen.position,
        skipped=[
            SkippedOut(
                person_id=s.person_id,
                person_name=(p.name if (p := org.person(s.person_id or "")) else ""),
                position=s.position,
                reason=s.reason,
            )
            for s in chosen.skipped
        ],
        ack_minutes=int((deps.policy.ack_due(order, now) - now).total_seconds() // 60),
    )
