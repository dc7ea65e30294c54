"""Address → grid, pure: which grid of the owning department serves this address.

An address lies in one grid of each department (Art. 2): a meter-reading grid and a maintenance
grid. Intake names the grid of the department the category routes to (``grid_hint``), and says
whether the address is known to the organisation at all; the router decides the rest.
"""

from dataclasses import dataclass

from shared.contracts import Address
from shared.organisation import COMPLAINT_ROUTE, Organisation, community_key


@dataclass(frozen=True)
class GridMatch:
    grid: str | None
    """The grid of the department that owns the category, if the address is in one."""
    matched: bool
    """False when no grid of any department knows the address: flagged for triage."""
    community_key: str | None


def owning_department(org: Organisation, category: str) -> str | None:
    target = org.routing.get(category)
    return None if target in (None, COMPLAINT_ROUTE) else target


_KNOWN: dict[int, tuple[Organisation, dict[str, str]]] = {}


def _known_by_key(org: Organisation) -> dict[str, str]:
    """The organisation's communities by key, worked out once per (frozen) organisation rather
    than on every order."""
    cached = _KNOWN.get(id(org))
    if cached is None or cached[0] is not org:
        cached = (org, {community_key(c): c for c in org.known_communities()})
        if len(_KNOWN) >= 8:  # a process has one organisation; tests build many
            _KNOWN.clear()
        _KNOWN[id(org)] = cached
    return cached[1]


def known_community(org: Organisation, address: Address) -> str | None:
    """The organisation's name for the address's community: by the parsed community (suffixes
    tolerated), else the longest known community named anywhere in the free text."""
    known = _known_by_key(org)
    if address.community and community_key(address.community) in known:
        return known[community_key(address.community)]
    text = "".join(address.text.split())
    named = [name for key, name in known.items() if key and key in text]
    return max(named, key=len) if named else address.community


def address_key(org: Organisation, address: Address) -> str | None:
    """``match_grid(...).community_key`` alone: the key of the address's known community."""
    return _key_of(known_community(org, address))


def _key_of(community: str | None) -> str | None:
    # Kept to the column's width: an unparsed free-text address can be far longer.
    return community_key(community)[:100] if community else None


def match_grid(
    org: Organisation,
    category: str,
    address: Address,
    account_no: str | None = None,
    reported_grid: str | None = None,
) -> GridMatch:
    community = known_community(org, address)
    key = _key_of(community)
    if reported_grid and org.grid(reported_grid) is not None:
        # A grid worker's own report names the grid they stand in.
        return GridMatch(reported_grid, True, key)
    department = owning_department(org, category)
    if department is not None:
        grid = org.find_grid(department, community, account_no)
        if grid is not None:
            return GridMatch(grid.code, True, key)
    known = any(org.find_grid(d.code, community, account_no) is not None for d in org.departments)
    return GridMatch(None, known, key)
