"""What a 12345 follow-up does to its order, pure: the events it puts on the order's log.

Every follow-up is recorded as an event. A 回访 with 不满意 also reopens a resolved order
(``OrderReopened``) for its next round; a 重办 is that reopen alone, with the platform's new
deadline. On an order not resolved (still being handled, or already reopened by an earlier
message — the platform often sends its 重办 right after the 回访 that caused it) there is
nothing to reopen: the 重办's deadline still binds, so it is recorded as a 督办 with that deadline
(a clock with its cards), and a 回访 is only recorded."""

from dataclasses import dataclass
from datetime import datetime

from services.intake.followups import (
    Callback,
    ExtensionDecision,
    Followup12345,
    Redo,
    ReturnDecision,
    Supervise,
    Urge,
    Withdraw,
)
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
)
from shared.contracts.envelopes import envelope

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


def events_for(followup: Followup12345, order: OrderFacts, now: datetime) -> list[OrderEvent]:
    if order.state == WITHDRAWN:
        return []  # a withdrawn order is over: nothing the platform says after moves it
    at = ensure_aware(followup.at)
    reopen = _reopen_reason(followup)
    if reopen is None or order.state not in REOPENABLE:
        return [_recorded(followup, order, at, now)]
    deadline = ensure_aware(followup.deadline) if isinstance(followup, Redo) else None
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
    if isinstance(followup, Redo):
        return [reopened]
    recorded = _recorded(followup, order, at, now)
    return [recorded, reopened.model_copy(update={"causation_id": recorded.event_id})]


def _reopen_reason(followup: Followup12345) -> str | None:
    if isinstance(followup, Redo):
        return f"12345 重办：{followup.reason}" if followup.reason else "12345 重办"
    if isinstance(followup, Callback) and followup.satisfaction == "不满意":
        said = f"：{followup.opinion}" if followup.opinion else ""
        return f"12345 回访不满意{said}"
    return None


def _recorded(
    followup: Followup12345, order: OrderFacts, at: datetime, now: datetime
) -> OrderEvent:
    """The follow-up itself as an event (a 重办 here is one that found nothing to reopen)."""
    message = followup.message_id
    match followup:
        case Urge():
            return envelope(
                OrderUrged,
                order.order_id,
                OrderUrgedPayload(message_id=message, at=at, content=followup.content),
                now,
                PRODUCER,
            )
        case Supervise() | Redo():
            return envelope(
                OrderSupervised,
                order.order_id,
                OrderSupervisedPayload(
                    message_id=message,
                    at=at,
                    deadline=ensure_aware(followup.deadline),
                    content=followup.content
                    if isinstance(followup, Supervise)
                    else followup.reason,
                ),
                now,
                PRODUCER,
            )
        case Callback():
            return envelope(
                CallbackRecorded,
                order.order_id,
                CallbackRecordedPayload(
                    message_id=message,
                    at=at,
                    satisfaction=followup.satisfaction,
                    solved=followup.solved,
                    opinion=followup.opinion,
                    round=order.round,
                    holder_id=order.holder_id,
                ),
                now,
                PRODUCER,
            )
        case Withdraw():
            return envelope(
                OrderWithdrawn,
                order.order_id,
                OrderWithdrawnPayload(message_id=message, at=at, reason=followup.reason),
                now,
                PRODUCER,
            )
        case ExtensionDecision() | ReturnDecision():
            return envelope(
                PlatformDecided,
                order.order_id,
                PlatformDecidedPayload(
                    message_id=message,
                    at=at,
                    request="extension" if isinstance(followup, ExtensionDecision) else "return",
                    approved=followup.approved,
                    reason=followup.reason,
                ),
                now,
                PRODUCER,
            )
