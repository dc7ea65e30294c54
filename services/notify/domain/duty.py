"""Who is on a team's duty at a moment: the person the router named for that duty day on its
latest dispatch for the team (``OrderDispatched.team_duty``). The router alone decides duty —
the organisation file's rotation plus every rotation, swap and leave a head edited, from the
next 08:00 handover unless 立即生效 — so notify never reads a rotation of its own: a rotation
from the file would wake the person the head took off duty (issue 19)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.contracts import DutyDay


def on_duty(days: Sequence[Mapping[str, Any]], at: datetime) -> str | None:
    """The person named for the duty day under way at ``at``; None when the router named
    nobody (no rotation, the person away) or named no day that covers ``at``."""
    for item in reversed(days):
        day = DutyDay.model_validate(item)
        if day.starts <= at < day.ends:
            return day.person_id
    return None
