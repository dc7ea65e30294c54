"""An order's clocks as its page shows them, pure: one per kind. The SLA service keeps a row per
deadline it ever opened — the order's own 签收 card beside the current holder's (the router's
chain), a restarted clock beside the one it replaced — so the page picks, per kind, the one
running now (for 签收 the holder's), else the latest; a clock past its time is late."""

from datetime import datetime
from typing import Any

ORDER = ("acknowledge", "arrive", "appointment", "resolve", "reply", "promise")


def one_per_kind(deadlines: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    best: dict[str, tuple[tuple[bool, bool, int], dict[str, Any]]] = {}
    for index, d in enumerate(deadlines):
        rank = (d.get("state") == "open", d.get("purpose") == "chain", index)
        if d["kind"] not in best or rank > best[d["kind"]][0]:
            best[d["kind"]] = (rank, d)
    shown = []
    for kind in sorted(best, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER)):
        d = best[kind][1]
        due = datetime.fromisoformat(d["due"]) if isinstance(d["due"], str) else d["due"]
        late = d.get("state") == "fired" or (d.get("state") == "open" and due < now)
        shown.append({**d, "late": late})
    return shown
