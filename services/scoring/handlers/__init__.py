"""Scoring's writes, in two tables: the events it consumes (both topics) and the commands people
give it over HTTP. Every handler has the one shape ``(message, uow, deps) -> events``.

- ``events``: ``apply_event``, the one function the live consumers and the replay apply events
  through, so a replay writes the same ledger;
- ``decisions``: the commands (a head's entry or correction, a candidate confirmed or dismissed,
  the office closing a month), each an event on the log applied in the same unit of work.
"""

from typing import Any, get_args

from services.scoring.config import ScoringDeps
from services.scoring.handlers.decisions import (
    PRODUCER,
    CloseMonth,
    ConfirmCandidate,
    CorrectEntry,
    DismissCandidate,
    EnterPoints,
    close_month,
    confirm_candidate,
    correct_entry,
    dismiss_candidate,
    enter_points,
)
from services.scoring.handlers.events import (
    ACTIVITY_CONSUMER,
    ORDERS_CONSUMER,
    apply_event,
    score_event,
)
from shared.contracts import ActivityEvent, OrderEvent
from shared.unit_of_work import Handler

__all__ = [
    "ACTIVITY_CONSUMER",
    "ACTIVITY_EVENTS",
    "COMMANDS",
    "EVENTS",
    "ORDERS_CONSUMER",
    "PRODUCER",
    "CloseMonth",
    "ConfirmCandidate",
    "CorrectEntry",
    "DismissCandidate",
    "EnterPoints",
    "apply_event",
]


def _every(union: Any) -> tuple[type[Any], ...]:
    """The event classes of a contract union (``Annotated[A | B | …, discriminator]``)."""
    return get_args(get_args(union)[0])


# Scoring counts and scores from every event of both topics (most add nothing; each is claimed
# once in the inbox either way), each through the same function a replay uses.
EVENTS = {event: score_event for event in _every(OrderEvent)}
ACTIVITY_EVENTS = {event: score_event for event in _every(ActivityEvent)}
COMMANDS: dict[type[Any], Handler[Any, ScoringDeps]] = {
    EnterPoints: enter_points,
    CorrectEntry: correct_entry,
    CloseMonth: close_month,
    ConfirmCandidate: confirm_candidate,
    DismissCandidate: dismiss_candidate,
}
