"""Our own follow-ups on the orders we answer ourselves (96568 calls, grid reports), pure: the
operator's 回访 and 催办 become the very events the 12345 platform's do (``followups.py``), so
the router, the SLA, scoring and notify treat them alike.

A 回访 reached the caller: ``CallbackRecorded``, and 不满意 reopens the resolved order for its
next round (``OrderReopened``), as a 12345 回访 不满意 does. A try that did not reach the caller
records nothing on the order; after the configured tries the callback ends as 联系不上. A 催办
is ``OrderUrged`` (notify tells the holder and their head)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shared.contracts import (
    CallbackRecorded,
    CallbackRecordedPayload,
    OrderEvent,
    OrderReopened,
    OrderReopenedPayload,
    OrderUrged,
    OrderUrgedPayload,
)
from shared.contracts.envelopes import envelope
from shared.refusals import Conflict

PRODUCER = "intake"
CALLBACK_STATES = frozenset({"resolved", "replied"})  # resolved, answered or not
URGE_STATES = frozenset({"received", "dispatched", "acknowledged", "returned", "reopened"})
Result = Literal["满意", "基本满意", "不满意", "联系不上"]
UNREACHED = "联系不上"


@dataclass(frozen=True)
class OwnOrder:
    """What intake knows of the order an operator follows up."""

    order_id: str
    source: str
    state: str
    reply_cycle: int  # 0 in the first round; each reopen adds one
    holder_id: str | None = None  # who holds it: a 不满意 is their head's candidate to judge

    @property
    def round(self) -> int:
        return self.reply_cycle + 1


def check_callback(order: OwnOrder, sources: tuple[str, ...]) -> None:
    if order.source not in sources:
        raise Conflict(
            f"工单 {order.order_id} 是 {order.source} 工单，不由我们回访（12345 工单由平台回访）",
            "order_id",
        )
    if order.state not in CALLBACK_STATES:
        raise Conflict(f"工单 {order.order_id} 尚未办结，不能回访", "order_id")


def callback_events(
    order: OwnOrder, result: Result, opinion: str, by: str, message_id: str, now: datetime
) -> list[OrderEvent]:
    """A 回访 that reached the caller (联系不上 is no event: nobody judged anything)."""
    if result == UNREACHED:
        return []
    recorded = envelope(
        CallbackRecorded,
        order.order_id,
        CallbackRecordedPayload(
            message_id=message_id,
            at=now,
            satisfaction=result,
            solved=result != "不满意",
            opinion=opinion,
            round=order.round,
            by=by,
            holder_id=order.holder_id,
        ),
        now,
        PRODUCER,
    )
    if result != "不满意":
        return [recorded]
    said = f"：{opinion}" if opinion else ""
    reopened = envelope(
        OrderReopened,
        order.order_id,
        OrderReopenedPayload(
            reason=f"{order.source} 回访不满意{said}",
            by=by,
            round=order.round + 1,
            message_id=message_id,
        ),
        now,
        PRODUCER,
        cause=recorded.event_id,
    )
    return [recorded, reopened]


def callback_closed(result: Result, unreached_before: int, max_tries: int) -> bool:
    """Whether this try ends the callback: reached, or the last try allowed unreached."""
    return result != UNREACHED or unreached_before + 1 >= max_tries


def callback_due(resolved_at: datetime, due_hours: int) -> datetime:
    return resolved_at + timedelta(hours=due_hours)


def urge_event(order: OwnOrder, content: str, message_id: str, now: datetime) -> OrderUrged:
    if order.state not in URGE_STATES:
        raise Conflict(f"工单 {order.order_id} 已办结或已结束，无需催办", "order_id")
    return envelope(
        OrderUrged,
        order.order_id,
        OrderUrgedPayload(message_id=message_id, at=now, content=content),
        now,
        PRODUCER,
    )
