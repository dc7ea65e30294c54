"""Rosters and leave changed over HTTP: heads change their own department's, admins any; every
change is on the record (``roster_audit``: who, when, before, after, note). The file
(config/org.yaml) is the starting point; a change made here replaces the file's items for that
person or unit. A leave change is also announced (``LeaveChanged``: outreach's B posts learn
that A is away). Each handler answers the items now in force (``uow.answer``)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from services.router.config import RouterDeps
from services.router.domain.duty_days import team_duty_named
from services.router.domain.events import PRODUCER
from services.router.domain.roster import Roster, deferred_overrides, rotation_change
from services.router.domain.roster_removals import kept_swaps, removed_until_handover
from services.router.domain.wakes import leave_takes_away_today, new_swaps_of_day
from services.router.handlers.commands import SetLeave, SetOverrides, SetRotation, SetSwaps
from services.router.store import RosterAudit, RosterEntry, RosterRepository, current_roster
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import Event, LeaveChanged, LeaveChangedPayload, LeavePeriod, TeamDutyNamed
from shared.contracts.envelopes import envelope
from shared.organisation import DutySwap, Leave, Organisation, Override
from shared.refusals import Forbidden, Invalid, NotFound
from shared.unit_of_work import UnitOfWork
from shared.validation_zh import explain


def _owns(who: Principal, department: str | None) -> None:
    if who.kind != "admin" and (department is None or who.department != department):
        raise Forbidden("只能安排本部门的值班")


def _person_department(org: Organisation, person_id: str) -> str | None:
    if org.person(person_id) is None:
        raise NotFound(f"没有人员 {person_id}", "person_id")
    return org.department_of_person(person_id)


def _unit_department(org: Organisation, unit: str) -> str:
    if unit in {d.code for d in org.departments}:
        return unit
    team = next((t for t in org.teams if t.code == unit), None)
    if team is None:
        raise NotFound(f"没有班组或部门 {unit}", "unit")
    return team.department


def _no_foreign_staff(
    org: Organisation, who: Principal, department: str, people: list[str], field: str
) -> None:
    """A head puts only their own department's people on its duty: another department's
    staff are that department's to roster (an admin may do either)."""
    others = [p for p in people if org.department_of_person(p) != department]
    if others and who.kind != "admin":
        raise Forbidden(f"{', '.join(others)} 不属于 {department}，不能排入本部门值班", field)


def checked(model: type[Leave] | type[Override] | type[DutySwap], item: dict[str, Any]) -> Any:
    """An item as the organisation file would hold it; refused as the HTTP layer refuses a bad
    body (each field with its reason, the first one named)."""
    try:
        return model.model_validate(item).model_dump(mode="json", by_alias=True)
    except ValidationError as exc:
        details = [
            {"field": _field_of(e["loc"]), "reason": explain(e, "router")}
            for e in exc.errors()[:20]
        ]
        raise Invalid(details, details[0]["field"] if details else "body") from None


def _field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def _change(
    uow: UnitOfWork, deps: RouterDeps, who: Principal, kind: str, subject: str, after: list[Any]
) -> list[Any]:
    """Puts ``after`` in force and returns what it replaced (the file's items before any change
    made over HTTP)."""
    repo, now = RosterRepository(uow.session), uow.now
    entry = await repo.entry(kind, subject)
    if entry is not None:
        before = list(entry.body)
        entry.body, entry.updated_at, entry.updated_by = after, now, who.subject
        return before
    repo.add(
        RosterEntry(kind=kind, subject=subject, body=after, updated_at=now, updated_by=who.subject)
    )
    return _in_file(Roster.from_org(deps.org, deps.calendar), kind, subject)


def _in_file(roster: Roster, kind: str, subject: str) -> list[Any]:
    if kind == "leave":
        return [
            lv.model_dump(mode="json", by_alias=True) for lv in roster.leave if lv.person == subject
        ]
    if kind == "overrides":
        return [
            o.model_dump(mode="json", by_alias=True)
            for o in roster.overrides
            if o.person == subject
        ]
    if kind == "swaps":
        return [s.model_dump(mode="json") for s in roster.swaps if s.unit == subject]
    return list(roster.rotations.get(subject, ()))


async def _on_record(
    uow: UnitOfWork,
    deps: RouterDeps,
    who: Principal,
    change: tuple[str, str, list[Any]],
    note: str,
) -> None:
    """The change in force and on the record: who, when, before, after, note. The caller is
    answered the items now in force."""
    kind, subject, after = change
    before = await _change(uow, deps, who, kind, subject, after)
    RosterRepository(uow.session).add(
        RosterAudit(
            kind=kind,
            subject=subject,
            who=who.subject,
            role=who.role,
            at=uow.now,
            before=before,
            after=after,
            note=note,
        )
    )
    uow.answer = after


async def _duty_named(uow: UnitOfWork, deps: RouterDeps) -> TeamDutyNamed:
    """Who is on each team's duty now that the change is in force (``domain/duty_days``)."""
    await uow.session.flush()  # the change just made is read back with the others
    return team_duty_named(await current_roster(uow.session, deps), uow.now, PRODUCER)


async def set_leave(command: SetLeave, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    who, person, org = command.who, command.person_id, deps.org
    _owns(who, _person_department(org, person))
    for i in command.body.items:
        stand_in = i.get("stand_in")
        if stand_in is not None and org.person(stand_in) is None:
            raise Invalid(f"代理人 {stand_in} 不在人员名单中", "stand_in")
    items = [checked(Leave, {"person": person, **i}) for i in command.body.items]
    if not command.body.immediate:
        await _not_today_unless_immediate(uow, deps, person, items)
    # Outreach (B posts a notice when A is away) learns of leave from the log.
    changed = _leave_changed(person, items, who, uow.now)
    await _on_record(uow, deps, who, ("leave", person, items), command.body.note)
    return [changed, await _duty_named(uow, deps)]


async def _not_today_unless_immediate(
    uow: UnitOfWork, deps: RouterDeps, person: str, items: list[Any]
) -> None:
    """Leave is kept by the day, so new leave covering today takes the person away at once:
    only when the head chose 立即生效, as for a swap of the duty day under way."""
    roster = await current_roster(uow.session, deps)
    standing = [
        lv.model_dump(mode="json", by_alias=True) for lv in roster.leave if lv.person == person
    ]
    today = to_local(uow.now).date()
    if leave_takes_away_today(items, standing, today):
        raise Invalid(
            f"该请假包含今天（{today:%m-%d}），保存将立即改变谁在岗、升级将叫醒谁；"
            "要现在生效，请选择“立即生效”",
            "immediate",
        )


async def set_overrides(
    command: SetOverrides, uow: UnitOfWork, deps: RouterDeps
) -> Sequence[Event]:
    who, person = command.who, command.person_id
    _owns(who, _person_department(deps.org, person))
    items = [checked(Override, {"person": person, **i}) for i in command.body.items]
    if not command.body.immediate:
        items = await _from_next_handover(uow, deps, person, items)
    await _on_record(uow, deps, who, ("overrides", person, items), command.body.note)
    return [await _duty_named(uow, deps)]


async def _from_next_handover(
    uow: UnitOfWork, deps: RouterDeps, person: str, items: list[Any]
) -> list[Any]:
    """New overrides wait for the next handover unless 立即生效: a change saved at night does
    not take tonight's person off duty, or put someone on it, behind the duty room's back."""
    roster = await current_roster(uow.session, deps)
    standing = [
        o.model_dump(mode="json", by_alias=True) for o in roster.overrides if o.person == person
    ]
    starts = roster.next_handover(uow.now)
    kept, too_soon = deferred_overrides(items, standing, starts)
    if too_soon:
        raise Invalid(
            f"该调整在下一次交接班（{to_local(starts):%m-%d %H:%M}）前就结束；"
            "要现在生效，请选择“立即生效”",
            "immediate",
        )
    return [*kept, *removed_until_handover(items, standing, starts, uow.now)]


async def set_rotation(command: SetRotation, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    who, unit, org, people = command.who, command.unit, deps.org, list(command.body.people)
    _owns(who, _unit_department(org, unit))
    department = _unit_department(org, unit)
    unknown = [p for p in people if org.person(p) is None]
    if unknown:
        raise Invalid(f"人员名单中没有：{'、'.join(unknown)}", "people")
    _no_foreign_staff(org, who, department, people, "people")
    # From the next duty day unless the head confirmed 立即生效: tonight's person stays on duty.
    roster = await current_roster(uow.session, deps)
    periods = rotation_change(roster, unit, people, uow.now, command.body.immediate)
    await _on_record(uow, deps, who, ("rotation", unit, periods), command.body.note)
    return [await _duty_named(uow, deps)]


async def set_swaps(command: SetSwaps, uow: UnitOfWork, deps: RouterDeps) -> Sequence[Event]:
    who, unit, org = command.who, command.unit, deps.org
    _owns(who, _unit_department(org, unit))
    items = []
    for s in command.body.items:
        if org.person(s["person"]) is None:
            raise Invalid(f"人员名单中没有 {s['person']}", "swaps.person")
        _no_foreign_staff(org, who, _unit_department(org, unit), [s["person"]], "swaps.person")
        items.append(checked(DutySwap, {"unit": unit, **s}))
    if not command.body.immediate:
        roster = await current_roster(uow.session, deps)
        standing = [sw.model_dump(mode="json") for sw in roster.swaps if sw.unit == unit]
        today = roster.duty_date(uow.now)
        # Tonight's duty changes hands only when the head confirms it: the person it would put
        # on duty is the one the next escalation wakes.
        if new_swaps_of_day(items, standing, today):
            raise Invalid(
                f"{today:%m-%d} 的值班日已于 {deps.org.rotation.handover:%H:%M} 交接班开始，"
                "换班将立即改变当前值班人；要现在换人，请选择“立即生效”",
                "immediate",
            )
        items = kept_swaps(items, standing, today)
    await _on_record(uow, deps, who, ("swaps", unit, items), command.body.note)
    return [await _duty_named(uow, deps)]


def _leave_changed(person: str, leave: list[Any], who: Principal, now: datetime) -> LeaveChanged:
    return envelope(
        LeaveChanged,
        person,
        LeaveChangedPayload(
            person_id=person,
            leave=tuple(
                LeavePeriod.model_validate({k: v for k, v in lv.items() if k != "person"})
                for lv in leave
            ),
            by=who.subject,
        ),
        now,
        PRODUCER,
    )
