"""The organisation file (departments, teams, grids, people, shifts, duty rotations, leave and
one-off overrides) as validated data.

The router routes by it and intake maps addresses to grids by it, so both read the same file
through this one model. The roster parts (leave, overrides, duty swaps, rotations) are only the
starting point: heads change them over the router's HTTP API, and the router keeps those changes.
"""

import re
from datetime import date, datetime, time
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

COMPLAINT_ROUTE = "head-of-accused-department"
_SUFFIXES = re.compile(r"(小区|社区|花园|家园|公寓|苑)$")


def community_key(name: str) -> str:
    """Community names are written with and without their 小区/花园/社区 suffix."""
    name = re.sub(r"\s+", "", name)
    key = name
    while (shorter := _SUFFIXES.sub("", key)) != key and shorter:
        key = shorter
    return key


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Department(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    head: str
    duty_phone: str = ""
    on_duty_rotation: tuple[str, ...] = Field(
        (), description="The department's duty rotation; empty = its teams' rotations in turn"
    )


class Team(_Model):
    code: str
    department: str
    name: str
    on_duty_rotation: tuple[str, ...] = Field(min_length=1)


class Grid(_Model):
    code: str
    team: str
    a_post: str
    b_post: str
    communities: tuple[str, ...] = ()
    account_prefixes: tuple[str, ...] = ()


class Person(_Model):
    id: str
    name: str
    role: Literal["head", "grid_worker", "duty_staff"]
    work_phone: str | None = Field(
        None,
        pattern=r"^1[3-9]\d{9}$",
        description="The mobile number reserved for work (Art. 11): SMS goes here",
    )
    wecom_userid: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.@-]{1,64}$",
        description="企业微信 UserID (the address book's 账号) for application messages",
    )
    shift: str | None = Field(None, description="Key into `shifts`; grid workers default to `day`")


class Shift(_Model):
    start: time
    end: time
    days: Literal["workdays", "all"]


class Leave(_Model):
    person: str
    from_: date = Field(alias="from")
    to: date
    reason: str = ""
    stand_in: str | None = Field(
        None, description="Who acts for a head on leave (coverage readiness asks for one)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.to < self.from_:
            raise ValueError("leave ends before it starts")
        return self


class Override(_Model):
    """A one-off change to one person's availability, e.g. called in on a Saturday morning
    (available: true) or away at a training afternoon (available: false)."""

    person: str
    from_: datetime = Field(alias="from")
    to: datetime
    available: bool
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.from_.tzinfo is None or self.to.tzinfo is None:
            raise ValueError("override times need a timezone, e.g. 2026-12-05T08:00:00+08:00")
        if self.to <= self.from_:
            raise ValueError("override ends before it starts")
        return self


class DutySwap(_Model):
    """On one duty date, a team's (or a department's) duty goes to someone else."""

    unit: str = Field(description="Team or department code")
    date: date
    person: str
    reason: str = ""


class RotationRule(_Model):
    """How a rotation list becomes "who is on duty": one person per duty day, in list order,
    counted from `epoch`; a duty day runs from `handover` to the next day's `handover`."""

    epoch: date = date(2026, 1, 1)
    handover: time = time(8, 0)


class Organisation(_Model):
    timezone: str = "Asia/Shanghai"
    departments: tuple[Department, ...] = Field(min_length=1)
    routing: dict[str, str]
    teams: tuple[Team, ...]
    grids: tuple[Grid, ...]
    people: tuple[Person, ...]
    shifts: dict[str, Shift]
    rotation: RotationRule = RotationRule()
    leave: tuple[Leave, ...] = ()
    overrides: tuple[Override, ...] = ()
    duty_swaps: tuple[DutySwap, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        people = {p.id for p in self.people}
        departments = {d.code for d in self.departments}
        teams = {t.code for t in self.teams}
        problems: list[str] = []
        for d in self.departments:
            if d.head not in people:
                problems.append(f"department {d.code}: head {d.head} is not among people")
            problems += [
                f"department {d.code}: on-duty {p} is not among people"
                for p in d.on_duty_rotation
                if p not in people
            ]
        problems += [
            f"person {p.id}: unknown shift {p.shift}"
            for p in self.people
            if p.shift is not None and p.shift not in self.shifts
        ]
        problems += [
            f"overrides: {o.person} is not among people"
            for o in self.overrides
            if o.person not in people
        ]
        for swap in self.duty_swaps:
            if swap.unit not in teams and swap.unit not in departments:
                problems.append(f"duty_swaps: unknown team or department {swap.unit}")
            if swap.person not in people:
                problems.append(f"duty_swaps: {swap.person} is not among people")
        for category, target in self.routing.items():
            if target not in departments and target != COMPLAINT_ROUTE:
                problems.append(f"routing {category}: unknown department {target}")
        for t in self.teams:
            if t.department not in departments:
                problems.append(f"team {t.code}: unknown department {t.department}")
            problems += [
                f"team {t.code}: on-duty {p} is not among people"
                for p in t.on_duty_rotation
                if p not in people
            ]
        for g in self.grids:
            if g.team not in teams:
                problems.append(f"grid {g.code}: unknown team {g.team}")
            problems += [
                f"grid {g.code}: post {p} is not among people"
                for p in (g.a_post, g.b_post)
                if p not in people
            ]
        problems += [
            f"leave: {lv.person} is not among people"
            for lv in self.leave
            if lv.person not in people
        ]
        problems += [
            f"leave: stand-in {lv.stand_in} is not among people"
            for lv in self.leave
            if lv.stand_in is not None and lv.stand_in not in people
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- look-ups -----------------------------------------------------------------------------

    def department(self, code: str) -> Department:
        return next(d for d in self.departments if d.code == code)

    def team(self, code: str) -> Team:
        return next(t for t in self.teams if t.code == code)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def department_of_grid(self, grid: Grid) -> str:
        return self.team(grid.team).department

    def grids_of(self, department: str) -> list[Grid]:
        return [g for g in self.grids if self.department_of_grid(g) == department]

    def grid(self, code: str) -> Grid | None:
        return next((g for g in self.grids if g.code == code), None)

    def find_grid(
        self, department: str, community: str | None, account_no: str | None = None
    ) -> Grid | None:
        """The department's grid for an address: account prefix first, then community."""
        grids = self.grids_of(department)
        if account_no:
            by_account = [
                g for g in grids if any(account_no.startswith(p) for p in g.account_prefixes)
            ]
            if by_account:
                return max(by_account, key=lambda g: max(len(p) for p in g.account_prefixes))
        if community:
            key = community_key(community)
            for g in grids:
                if any(community_key(c) == key for c in g.communities):
                    return g
        return None

    def teams_of(self, department: str) -> list[Team]:
        return [t for t in self.teams if t.department == department]

    def department_of_person(self, person_id: str) -> str | None:
        """Heads lead a department; others belong to the department of their team or grid."""
        for d in self.departments:
            if d.head == person_id or person_id in d.on_duty_rotation:
                return d.code
        for t in self.teams:
            if person_id in t.on_duty_rotation:
                return t.department
        for g in self.grids:
            if person_id in (g.a_post, g.b_post):
                return self.department_of_grid(g)
        return None

    def grids_of_person(self, person_id: str) -> list[Grid]:
        return [g for g in self.grids if person_id in (g.a_post, g.b_post)]

    def known_communities(self) -> list[str]:
        return sorted({c for g in self.grids for c in g.communities})
