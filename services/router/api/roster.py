"""Rosters and leave over HTTP: anyone on staff reads them; heads change their own department's
(admins any) through the roster commands, each change on the record (``handlers/roster.py``)."""

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, StringConstraints

from services.router import queries
from services.router.api.context import Bus, Deps, Runtime
from services.router.domain.roster import with_changes, with_rotation
from services.router.domain.wakes import unit_department, woken
from services.router.handlers.commands import (
    RosterChange,
    RotationChange,
    SetLeave,
    SetOverrides,
    SetRotation,
    SetSwaps,
)
from services.router.handlers.roster import checked
from services.router.schemas.roster import (
    AuditOut,
    ChangePreview,
    ChangePreviewIn,
    LeavePut,
    OverridesPut,
    RosterOut,
    RotationPreview,
    RotationPut,
    SwapsPut,
    UnitWakeOut,
)
from services.router.store import current_roster
from shared.auth import Principal
from shared.clock import to_local
from shared.http import require
from shared.organisation import DutySwap, Leave, Override
from shared.params import Limit, Offset, PathKey, QueryKey
from shared.refusals import Forbidden, Invalid, NotFound

PersonKey = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00]+$")]
router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(require("head", "department", "ops"))]
Head = Annotated[Principal, Depends(require("head"))]


async def _changed(bus: Bus, command: object) -> list[Any]:
    """The items now in force."""
    return cast(list[Any], (await bus.handle(command)).answer)


@router.get("/roster", response_model=RosterOut, summary="值班表：谁在岗、谁值班、请假")
async def get_roster(
    _who: Reader,
    runtime: Runtime,
    deps: Deps,
    at: AwareDatetime | None = None,
    department: QueryKey = None,
) -> RosterOut:
    when = at or runtime.clock.now()
    async with runtime.db.snapshot() as session:
        roster = await current_roster(session, deps)
    return queries.roster_view(roster, when, department)


@router.get("/leave", summary="请假记录")
async def get_leave(
    _who: Reader, runtime: Runtime, deps: Deps, person: QueryKey = None
) -> list[dict[str, Any]]:
    async with runtime.db.snapshot() as session:
        roster = await current_roster(session, deps)
    return queries.leave_of(roster, person)


@router.put("/leave/{person_id}", summary="设置某人的请假（替换其全部请假记录）")
async def put_leave(person_id: PathKey, body: LeavePut, who: Head, bus: Bus) -> list[Any]:
    leave = [lv.model_dump(by_alias=True) for lv in body.leave]
    change = RosterChange(leave, body.note, body.immediate)
    return await _changed(bus, SetLeave(person_id, who, change))


@router.put("/roster/overrides/{person_id}", summary="临时调整某人是否在岗")
async def put_overrides(person_id: PathKey, body: OverridesPut, who: Head, bus: Bus) -> list[Any]:
    items = [o.model_dump(by_alias=True) for o in body.overrides]
    change = RosterChange(items, body.note, body.immediate)
    return await _changed(bus, SetOverrides(person_id, who, change))


@router.put("/roster/rotations/{unit}", summary="设置班组/部门的值班轮换")
async def put_rotation(unit: PathKey, body: RotationPut, who: Head, bus: Bus) -> list[Any]:
    change = RotationChange(body.people, body.note, body.immediate)
    return await _changed(bus, SetRotation(unit, who, change))


@router.get(
    "/roster/rotations/{unit}/preview",
    response_model=RotationPreview,
    summary="轮值顺序变更预览：现在谁值班、立即生效将由谁值班",
)
async def preview_rotation(
    unit: PathKey,
    _who: Head,
    runtime: Runtime,
    deps: Deps,
    people: Annotated[list[PersonKey], Query(min_length=1, max_length=200)],
) -> RotationPreview:
    now = runtime.clock.now()
    async with runtime.db.snapshot() as session:
        roster = await current_roster(session, deps)
    if unit not in roster.rotations:
        raise NotFound(f"没有班组或部门 {unit}", "unit")
    after = with_rotation(roster, unit, list(people))
    return RotationPreview(
        unit=unit,
        on_duty_now=roster.on_duty(unit, now),
        on_duty_if_immediate=after.on_duty(unit, now),
        next_handover=to_local(roster.next_handover(now)).isoformat(),
    )


@router.post(
    "/roster/preview",
    response_model=ChangePreview,
    summary="换班、在岗调整或请假的立即生效预览：现在谁值班、升级将叫醒谁",
)
async def preview_change(
    body: ChangePreviewIn, who: Head, runtime: Runtime, deps: Deps
) -> ChangePreview:
    """As the PUT of the same list would leave the roster if it applied now (立即生效). An
    unknown unit or person is a 422 on ``subject``: it is a field of the body, not the path."""
    now = runtime.clock.now()
    async with runtime.db.snapshot() as session:
        roster = await current_roster(session, deps)
    if body.kind == "swaps" and body.subject not in roster.rotations:
        raise Invalid(f"没有班组或部门 {body.subject}", "subject")
    items = _items(body, deps)
    department = (
        unit_department(roster, body.subject)
        if body.kind == "swaps"
        else deps.org.department_of_person(body.subject)
    )
    if department is None or (who.kind != "admin" and who.department != department):
        raise Forbidden("只能预览本部门的值班", "subject")
    after = with_changes(roster, [(body.kind, body.subject, items)])
    units = [u for u in roster.rotations if unit_department(roster, u) == department]
    view = queries.roster_view(roster, now, department)
    names = {u.unit: u.name for u in view.units}
    return ChangePreview(
        at=to_local(now).isoformat(),
        next_handover=to_local(roster.next_handover(now)).isoformat(),
        units=[
            UnitWakeOut(
                unit=u,
                name=names.get(u, u),
                on_duty_now=before.on_duty,
                on_duty_if_immediate=later.on_duty,
                woken_now=before.woken,
                woken_if_immediate=later.woken,
            )
            for u in units
            for before, later in [(woken(roster, u, now), woken(after, u, now))]
        ],
    )


def _items(body: ChangePreviewIn, deps: Any) -> list[Any]:
    """The list as the roster stores it (each item validated as the PUT validates it)."""
    if body.kind == "swaps":
        return [checked(DutySwap, {"unit": body.subject, **s.model_dump()}) for s in body.swaps]
    if deps.org.person(body.subject) is None:
        raise Invalid(f"没有人员 {body.subject}", "subject")
    if body.kind == "overrides":
        return [
            checked(Override, {"person": body.subject, **o.model_dump(by_alias=True)})
            for o in body.overrides
        ]
    return [
        checked(Leave, {"person": body.subject, **lv.model_dump(by_alias=True)})
        for lv in body.leave
    ]


@router.put("/roster/swaps/{unit}", summary="换班：某日值班改由他人")
async def put_swaps(unit: PathKey, body: SwapsPut, who: Head, bus: Bus) -> list[Any]:
    swaps = [s.model_dump() for s in body.swaps]
    return await _changed(bus, SetSwaps(unit, who, RosterChange(swaps, body.note, body.immediate)))


@router.get("/roster/audit", response_model=list[AuditOut], summary="值班与请假变更记录")
async def audit(
    _who: Head,
    runtime: Runtime,
    subject: QueryKey = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[AuditOut]:
    async with runtime.db.snapshot() as session:
        return await queries.roster_audit(session, subject, limit, offset)
