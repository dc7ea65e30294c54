"""Notices, pure: the text for one community, and the grid worker who must post it.

The worker is the A post of the department's grid that holds the community; B when A is on
leave that Beijing date (Art. 8, "2人互为补充"). With both away the task stays with A and says
so, for the head to reassign: outreach does not guess past the posts.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.clock import to_local
from shared.contracts import LeavePeriod
from shared.organisation import Grid, Organisation, community_key


@dataclass(frozen=True)
class Responsible:
    worker_id: str
    post: str
    """``A`` or ``B``."""
    grid: str
    note: str = ""


class UnknownCommunity(ValueError):
    """No grid of the department holds the community."""


def beijing_time(when: datetime) -> str:
    local = to_local(when)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def render(
    template: str,
    *,
    community: str,
    start: datetime | None,
    end: datetime | None,
    reason: str,
    hotline: str,
    department: str,
) -> str:
    """A template's text with its placeholders filled (config checked it names only these)."""
    return template.format(
        community=community,
        start=beijing_time(start) if start else "",
        end=beijing_time(end) if end else "",
        reason=reason,
        hotline=hotline,
        department=department,
    )


def grid_of(org: Organisation, department: str, community: str) -> Grid:
    key = community_key(community)
    for grid in org.grids:
        if org.team(grid.team).department != department:
            continue
        if any(community_key(c) == key for c in grid.communities):
            return grid
    name = org.department(department).name
    raise UnknownCommunity(f"{name}没有负责“{community}”的网格")


def on_leave(leave: Sequence[LeavePeriod], day: date) -> bool:
    return any(p.from_ <= day <= p.to for p in leave)


def responsible(
    org: Organisation,
    department: str,
    community: str,
    leave: dict[str, tuple[LeavePeriod, ...]],
    now: datetime,
) -> Responsible:
    grid = grid_of(org, department, community)
    today = to_local(now).date()
    a_away = on_leave(leave.get(grid.a_post, ()), today)
    if not a_away:
        return Responsible(grid.a_post, "A", grid.code)
    if not on_leave(leave.get(grid.b_post, ()), today):
        return Responsible(grid.b_post, "B", grid.code, "A岗请假，由B岗发送")
    return Responsible(grid.a_post, "A", grid.code, "A、B岗均请假，请负责人改派")
