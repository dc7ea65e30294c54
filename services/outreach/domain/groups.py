"""The WeChat group register, pure: which responsible worker has neither the community's owners'
group nor a direct contact with its property manager (Art. 9, 18(一)6)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from shared.organisation import Organisation, community_key


@dataclass(frozen=True)
class Gap:
    worker_id: str
    department: str
    grid: str
    community: str


class Entry(Protocol):
    """One line of the register (a stored row)."""

    @property
    def worker_id(self) -> str: ...
    @property
    def community_key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def worker_in_group(self) -> bool: ...


def covered(rows: Iterable[Entry]) -> list[tuple[str, str]]:
    """A group counts only when the worker is in it; a manager contact counts as it is."""
    return [
        (r.worker_id, r.community_key)
        for r in rows
        if r.kind == "manager_contact" or r.worker_in_group
    ]


def gaps(org: Organisation, covered: Iterable[tuple[str, str]]) -> list[Gap]:
    """``covered``: (worker, community key) pairs the register holds a group the worker is in,
    or a property-manager contact, for. Each grid's A and B posts answer for its communities."""
    have = set(covered)
    found: list[Gap] = []
    for grid in org.grids:
        department = org.team(grid.team).department
        for community in grid.communities:
            for worker in dict.fromkeys((grid.a_post, grid.b_post)):
                if (worker, community_key(community)) not in have:
                    found.append(Gap(worker, department, grid.code, community))
    return found


def grid_workers(org: Organisation, department: str) -> dict[str, str]:
    """The department's grid workers, id → name, in the organisation file's order."""
    return {
        p.id: p.name
        for p in org.people
        if p.role == "grid_worker" and org.department_of_person(p.id) == department
    }
