"""What a 12345 follow-up does to its order, pure: the events it puts on the order's log.

Every follow-up is recorded as an event. A 回访 with 不满意 also reopens a resolved order
(``OrderReopened``) for its next round; a 重办 is that reopen alone, with the platform's new
deadline. On an order not resolved (still being handled, or already reopened by an earlier
message — the platform often sends its 重办 right after the 回访 that caused it) there is
nothing to reopen: the 重办's deadline still binds, so it is recorded as a 督办 with that deadline
(a clock with its cards), and a 回访 is only recorded."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from shared.clock import ensure_aware
from shared.contracts import (
    CallbackRecorded,
    CallbackRecordedPayload,
    OrderEvent,
    OrderReopened,
    OrderReopenedPayload,
    OrderSupervised,
    OrderSupervisedPayload,
    OrderUrged,
    OrderUrgedPayload,
    OrderWithdrawn,
    OrderWithdrawnPayload,
    PlatformDecided,
    PlatformDecidedPayload,
    Satisfaction,
)
from shared.contracts.envelopes import envelope

T = TypeVar("T")

FollowupKind = Literal[
    "urge", "supervise", "callback", "redo", "withdraw", "extension_decision", "return_decision"
]


@dataclass(frozen=True)
class Followup:
    """One follow-up as parsed from the platform's message (``services/intake/followups.py``
    reads its format): only what decides its events."""

    kind: FollowupKind
    message_id: str
    at: datetime
    text: str = ""
    """催办/督办 content; 重办, 撤单 and decision reason; 回访 opinion."""
    deadline: datetime | None = None
    """督办答复时限, 重办的办理时限."""
    satisfaction: Satisfaction | None = None
    solved: bool = False
    approved: bool = False
    """The platform's answer to our 延期 or 退单 request."""


PRODUCER = "intake"
PLATFORM = "12345"
REOPENABLE = frozenset({"resolved", "replied"})
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class OrderFacts:
    """What intake knows of the order the follow-up is about."""

    order_id: str
    state: str
    reply_cycle: int  # 0 in the first round; each reopen adds one
    holder_id: str | None = None  # who holds it (the last dispatch, or the incident's holder)

    @property
    def round(self) -> int:
        return self.reply_cycle + 1


def events_for(followup: Followup, order: OrderFacts, now: datetime) -> list[OrderEvent]:
    if order.state == WITHDRAWN:
        return []  # a withdrawn order is over: nothing the platform says after moves it
    at = ensure_aware(followup.at)
    reopen = _reopen_reason(followup)
    if reopen is None or order.state not in REOPENABLE:
        return [_recorded(followup, order, at, now)]
    redo = followup.kind == "redo"
    deadline = ensure_aware(followup.deadline) if redo and followup.deadline else None
    reopened = envelope(
        OrderReopened,
        order.order_id,
        OrderReopenedPayload(
            reason=reopen,
            by=PLATFORM,
            round=order.round + 1,
            deadline=deadline,
            message_id=followup.message_id,
        ),
        now,
        PRODUCER,
    )
    if redo:
        return [reopened]
    recorded = _recorded(followup, order, at, now)
    return [recorded, reopened.model_copy(update={"causation_id": recorded.event_id})]


def _reopen_reason(followup: Followup) -> str | None:
    if followup.kind == "redo":
        return f"12345 重办：{followup.text}" if followup.text else "12345 重办"
    if followup.kind == "callback" and followup.satisfaction == "不满意":
        said = f"：{followup.text}" if followup.text else ""
        return f"12345 回访不满意{said}"
    return None


def _given(value: T | None, name: str) -> T:
    """A field the platform's format requires for this kind (the parser checked it)."""
    if value is None:
        raise ValueError(f"a follow-up of this kind names its {name}")
    return value


def _recorded(followup: Followup, order: OrderFacts, at: datetime, now: datetime) -> OrderEvent:
    """The follow-up itself as an event (a 重办 here is one that found nothing to reopen)."""
    key, text = order.order_id, followup.text
    said: dict[str, Any] = {"message_id": followup.message_id, "at": at}
    match followup.kind:
        case "urge":
            urged = OrderUrgedPayload(**said, content=text)
            return envelope(OrderUrged, key, urged, now, PRODUCER)
        case "supervise" | "redo":
            due = ensure_aware(_given(followup.deadline, "deadline"))
            supervised = OrderSupervisedPayload(**said, deadline=due, content=text)
            return envelope(OrderSupervised, key, supervised, now, PRODUCER)
        case "callback":
            called = CallbackRecordedPayload(
                **said,
                satisfaction=_given(followup.satisfaction, "satisfaction"),
                solved=followup.solved,
                opinion=text,
                round=order.round,
                holder_id=order.holder_id,
            )
            return envelope(CallbackRecorded, key, called, now, PRODUCER)
        case "withdraw":
            withdrawn = OrderWithdrawnPayload(**said, reason=text)
            return envelope(OrderWithdrawn, key, withdrawn, now, PRODUCER)
        case "extension_decision" | "return_decision":
            request = "extension" if followup.kind == "extension_decision" else "return"
            decided = PlatformDecidedPayload(
                **said, request=request, approved=followup.approved, reason=text
            )
            return envelope(PlatformDecided, key, decided, now, PRODUCER)
