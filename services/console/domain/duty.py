"""值班室's rows, pure: the SLA service's board (every clock of an order, passed ones too)
joined with the router's holder and escalation step, one row per order.

Late and escalated orders come first, the highest step first (each step up has already woken
more people), then the longest late; then what falls due within the window; then unresolved
12345 orders by their platform deadline."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The clocks a row shows, in the order an order meets them; 平台时限 is the row's own column.
CLOCK_KINDS = ("acknowledge", "arrive", "resolve", "reply")
STEP_RANK = {"HEAD": 4, "DEPT_DUTY": 3, "TEAM_DUTY": 2, "B": 1, "A": 0}


@dataclass(frozen=True)
class Holder:
    person_id: str | None
    name: str
    phone: str | None


@dataclass(frozen=True)
class DutyRow:
    order_id: str
    category_label: str
    source: str
    department: str | None
    holder: Holder
    step: str | None
    escalated: bool
    acknowledged: bool
    clocks: dict[str, dict[str, Any]]
    platform_deadline: datetime | None
    late_seconds: int
    next_due: datetime | None
    extra_clocks: list[dict[str, Any]] = field(default_factory=list)
    urge_count: int = 0  # 12345's 催办 and 督办 on an open order (the router's count)
    supervise_count: int = 0


@dataclass(frozen=True)
class DutyRoom:
    late: list[DutyRow]
    soon: list[DutyRow]
    platform: list[DutyRow]


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def row_of(
    board: dict[str, Any], step: dict[str, Any] | None, people: dict[str, tuple[str, str | None]]
) -> DutyRow:
    """One order: its clocks by kind, and who holds it (the router's word over the SLA's)."""
    holder_id = (step or {}).get("assignee_id") or board.get("assignee_id")
    name, phone = people.get(holder_id or "", (holder_id or "", None))
    clocks = {c["kind"]: c for c in board["clocks"]}
    return DutyRow(
        order_id=board["order_id"],
        category_label=board.get("category_label") or board.get("category", ""),
        source=board.get("source", ""),
        department=(step or {}).get("department") or board.get("department"),
        holder=Holder(holder_id, name, phone),
        step=(step or {}).get("chain_position"),
        escalated=bool((step or {}).get("escalated")),
        acknowledged=bool(board.get("acknowledged")),
        clocks={k: clocks[k] for k in CLOCK_KINDS if k in clocks},
        platform_deadline=_when(board.get("platform_deadline")),
        late_seconds=int(board.get("late_seconds", 0)),
        next_due=_when(board.get("next_due")),
        extra_clocks=[c for k, c in clocks.items() if k not in CLOCK_KINDS],
        urge_count=int((step or {}).get("urge_count") or 0),
        supervise_count=int((step or {}).get("supervise_count") or 0),
    )


def duty_room(
    board: dict[str, Any],
    steps: list[dict[str, Any]],
    people: dict[str, tuple[str, str | None]],
) -> DutyRoom:
    """The three lists from the SLA board (``late``, ``soon``, ``asked``, ``platform``) and the
    router's steps; an escalated order is listed first even while no clock has passed."""
    by_order = {s["order_id"]: s for s in steps}

    def rows(key: str) -> list[DutyRow]:
        return [row_of(b, by_order.get(b["order_id"]), people) for b in board.get(key, [])]

    late, soon, asked = rows("late"), rows("soon"), rows("asked")
    # An escalated or chased (催办, 督办) order is listed first even while no clock has passed.
    first = late + [r for r in soon + asked if r.escalated or r.urge_count or r.supervise_count]
    listed = {r.order_id for r in first}
    first.sort(key=lambda r: (-STEP_RANK.get(r.step or "", 0), -r.late_seconds, r.order_id))
    return DutyRoom(
        late=first,
        soon=[r for r in soon if r.order_id not in listed],
        platform=rows("platform"),
    )
