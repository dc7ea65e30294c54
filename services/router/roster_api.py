"""Rosters and leave over HTTP: heads change their own department's, admins any; every change
is on the record (who, when, before, after). The file (config/org.yaml) is the starting point;
a change made here replaces the file's items for that person or unit."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from services.router.api import RouterContext
from services.router.domain.roster import Roster
from services.router.handlers import current_roster
from services.router.store import RosterAudit, RosterEntry, RosterRepository
from shared.auth import Principal
from shared.clock import to_local
from shared.contracts import LeaveChanged, LeaveChangedPayload, LeavePeriod
from shared.http import ApiError, Offset, PathKey, QueryKey, invalid, require
from shared.masking import StaffText, mask_json, mask_phone
from shared.organisation import DutySwap, Leave, Override

Note = Annotated[StaffText, Field(max_length=500)]
PersonId = Annotated[str, Field(min_length=1, max_length=40)]


class LeaveIn(BaseModel):
    from_: date = Field(alias="from")
    to: date
    reason: Note = ""
    stand_in: PersonId | None = Field(None, description="代理人（负责人请假时）")


class OverrideIn(BaseModel):
    from_: AwareDatetime = Field(alias="from")
    to: AwareDatetime
    available: bool
    reason: Note = ""


class SwapIn(BaseModel):
    date: date
    person: PersonId
    reason: Note = ""


class LeavePut(BaseModel):
    leave: list[LeaveIn] = Field(max_length=366)
    note: Note = ""


class OverridesPut(BaseModel):
    overrides: list[OverrideIn] = Field(max_length=366)
    note: Note = ""


class RotationPut(BaseModel):
    people: list[PersonId] = Field(min_length=1, max_length=200)
    note: Note = ""


class SwapsPut(BaseModel):
    swaps: list[SwapIn] = Field(max_length=366)
    note: Note = ""


class UnitDuty(BaseModel):
    unit: str
    name: str
    rotation: list[str]
    on_duty_now: str | None
    swaps: list[dict[str, Any]]


class PersonNow(BaseModel):
    id: str
    name: str
    role: str
    department: str | None
    available: bool
    why_not: str | None
    on_duty_for: list[str] = []  # the units they are the person on duty for now


class RosterOut(BaseModel):
    at: str
    duty_date: str
    units: list[UnitDuty]
    people: list[PersonNow]
    leave: list[dict[str, Any]]
    overrides: list[dict[str, Any]]


class AuditOut(BaseModel):
    id: int
    kind: str
    subject: str
    who: str
    role: str
    at: str
    before: list[Any]
    after: list[Any]
    note: str


def build_roster_router(ctx: RouterContext) -> APIRouter:
    router = APIRouter(prefix="/v1")
    readers = require("head", "department", "ops")
    heads = require("head")
    Reader = Annotated[Principal, Depends(readers)]
    Head = Annotated[Principal, Depends(heads)]
    org = ctx.deps.org

    def owns(who: Principal, department: str | None) -> None:
        if who.kind != "admin" and (department is None or who.department != department):
            raise ApiError(
                403, "forbidden", f"{who.role} may not change {department or 'this'} roster"
            )

    def person_department(person_id: str) -> str | None:
        if org.person(person_id) is None:
            raise ApiError(404, "not_found", f"no person {person_id}", "person_id")
        return org.department_of_person(person_id)

    def foreign_staff(who: Principal, department: str, people: list[str], field: str) -> None:
        """A head puts only their own department's people on its duty: another department's
        staff are that department's to roster (an admin may do either)."""
        others = [p for p in people if org.department_of_person(p) != department]
        if others and who.kind != "admin":
            raise ApiError(
                403,
                "forbidden",
                f"{', '.join(others)} 不属于 {department}，不能排入本部门值班",
                field,
            )

    def unit_department(unit: str) -> str:
        if unit in {d.code for d in org.departments}:
            return unit
        team = next((t for t in org.teams if t.code == unit), None)
        if team is None:
            raise ApiError(404, "not_found", f"no team or department {unit}", "unit")
        return team.department

    async def change(
        who: Principal, kind: str, subject: str, after: list[Any], note: str, current: list[Any]
    ) -> list[Any]:
        now = ctx.runtime.clock.now()
        async with ctx.runtime.db.transaction() as session:
            if kind == "leave":  # outreach (B posts a notice when A is away) learns it from the log
                ctx.runtime.outbox.add(session, [_leave_changed(subject, after, who, now)])
            repo = RosterRepository(session)
            entry = await repo.entry(kind, subject)
            before = list(entry.body) if entry is not None else current
            if entry is None:
                repo.add(
                    RosterEntry(
                        kind=kind,
                        subject=subject,
                        body=after,
                        updated_at=now,
                        updated_by=who.subject,
                    )
                )
            else:
                entry.body = after
                entry.updated_at = now
                entry.updated_by = who.subject
            repo.add(
                RosterAudit(
                    kind=kind,
                    subject=subject,
                    who=who.subject,
                    role=who.role,
                    at=now,
                    before=before,
                    after=after,
                    note=note,
                )
            )
        if kind == "leave":
            ctx.runtime.outbox.wake()
        return after

    def checked(model: type[Leave] | type[Override] | type[DutySwap], item: dict[str, Any]) -> Any:
        try:
            return model.model_validate(item).model_dump(mode="json", by_alias=True)
        except ValidationError as exc:
            raise invalid(exc.errors()) from None

    async def roster_now() -> Roster:
        async with ctx.runtime.db.snapshot() as session:
            return await current_roster(session, ctx.deps)

    @router.get("/roster", response_model=RosterOut, summary="值班表：谁在岗、谁值班、请假")
    async def get_roster(
        _who: Reader, at: AwareDatetime | None = None, department: QueryKey = None
    ) -> RosterOut:
        when = at or ctx.runtime.clock.now()
        roster = await roster_now()
        units = [
            UnitDuty(
                unit=code,
                name=_unit_name(roster, code),
                rotation=list(people),
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

    @router.get("/leave", summary="请假记录")
    async def get_leave(_who: Reader, person: QueryKey = None) -> list[dict[str, Any]]:
        roster = await roster_now()
        return [
            lv.model_dump(mode="json", by_alias=True)
            for lv in roster.leave
            if person is None or lv.person == person
        ]

    @router.put("/leave/{person_id}", summary="设置某人的请假（替换其全部请假记录）")
    async def put_leave(person_id: PathKey, body: LeavePut, who: Head) -> list[Any]:
        owns(who, person_department(person_id))
        for i in body.leave:
            if i.stand_in is not None and org.person(i.stand_in) is None:
                raise ApiError(422, "invalid", f"代理人 {i.stand_in} 不在人员名单中", "stand_in")
        items = [
            checked(Leave, {"person": person_id, **i.model_dump(by_alias=True)}) for i in body.leave
        ]
        roster = await roster_now()
        current = [
            lv.model_dump(mode="json", by_alias=True)
            for lv in roster.leave
            if lv.person == person_id
        ]
        return await change(who, "leave", person_id, items, body.note, current)

    @router.put("/roster/overrides/{person_id}", summary="临时调整某人是否在岗")
    async def put_overrides(person_id: PathKey, body: OverridesPut, who: Head) -> list[Any]:
        owns(who, person_department(person_id))
        items = [
            checked(Override, {"person": person_id, **i.model_dump(by_alias=True)})
            for i in body.overrides
        ]
        roster = await roster_now()
        current = [
            o.model_dump(mode="json", by_alias=True)
            for o in roster.overrides
            if o.person == person_id
        ]
        return await change(who, "overrides", person_id, items, body.note, current)

    @router.put("/roster/rotations/{unit}", summary="设置班组/部门的值班轮换")
    async def put_rotation(unit: PathKey, body: RotationPut, who: Head) -> list[Any]:
        owns(who, unit_department(unit))
        department = unit_department(unit)
        unknown = [p for p in body.people if org.person(p) is None]
        if unknown:
            raise ApiError(422, "invalid", f"not among people: {', '.join(unknown)}", "people")
        foreign_staff(who, department, body.people, "people")
        roster = await roster_now()
        current = list(roster.rotations.get(unit, ()))
        return await change(who, "rotation", unit, list(body.people), body.note, current)

    @router.put("/roster/swaps/{unit}", summary="换班：某日值班改由他人")
    async def put_swaps(unit: PathKey, body: SwapsPut, who: Head) -> list[Any]:
        owns(who, unit_department(unit))
        items = []
        for s in body.swaps:
            if org.person(s.person) is None:
                raise ApiError(422, "invalid", f"{s.person} is not among people", "swaps.person")
            foreign_staff(who, unit_department(unit), [s.person], "swaps.person")
            items.append(checked(DutySwap, {"unit": unit, **s.model_dump()}))
        roster = await roster_now()
        current = [s.model_dump(mode="json") for s in roster.swaps if s.unit == unit]
        return await change(who, "swaps", unit, items, body.note, current)

    @router.get("/roster/audit", response_model=list[AuditOut], summary="值班与请假变更记录")
    async def audit(
        _who: Head,
        subject: QueryKey = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> list[AuditOut]:
        async with ctx.runtime.db.snapshot() as session:
            rows = await RosterRepository(session).audit(subject, limit, offset)
        return [
            AuditOut(
                id=r.id,
                kind=r.kind,
                subject=r.subject,
                who=r.who,
                role=r.role,
                at=_iso(r.at),
                # Rows written before notes were masked on the way in are masked on the way out.
                before=mask_json(r.before),
                after=mask_json(r.after),
                note=mask_phone(r.note),
            )
            for r in rows
        ]

    return router


def _unit_department(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    return team.department if team else unit


def _unit_name(roster: Roster, unit: str) -> str:
    team = next((t for t in roster.org.teams if t.code == unit), None)
    if team is not None:
        return team.name
    return next((d.name for d in roster.org.departments if d.code == unit), unit)


def _leave_changed(person: str, leave: list[Any], who: Principal, now: datetime) -> LeaveChanged:
    return LeaveChanged(
        occurred_at=now,
        producer="router",
        worker_id=person,
        payload=LeaveChangedPayload(
            person_id=person,
            leave=tuple(
                LeavePeriod.model_validate({k: v for k, v in lv.items() if k != "person"})
                for lv in leave
            ),
            by=who.subject,
        ),
    )


def _iso(when: datetime) -> str:
    return to_local(when).isoformat()
