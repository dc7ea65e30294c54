"""约定答复时间 (Art. 14, 首问负责), pure: a holder who cannot answer the caller at once tells
them when they will, and that time becomes a deadline with its own cards (the SLA's 'promise'
clock). Only a time still ahead can be promised, and only while the order is being handled."""

from datetime import datetime

from services.router.domain.lifecycle import ACKNOWLEDGED, DISPATCHED, IN_PROGRESS
from services.router.domain.refusals import InvalidState
from shared.clock import to_local
from shared.refusals import Invalid

# Before 签收 too: the first person asked answers for the call (首问负责), signed or not.
PROMISABLE = frozenset({DISPATCHED, ACKNOWLEDGED, IN_PROGRESS})


class PromiseInPast(Invalid):
    code = "promise_in_past"


def check_promise(state: str, promised_at: datetime, now: datetime) -> None:
    if state not in PROMISABLE:
        raise InvalidState(f"不能约定答复时间：工单当前状态为 {state}", "state")
    if promised_at <= now:
        raise PromiseInPast(
            f"约定答复时间 {to_local(promised_at):%Y-%m-%d %H:%M}（北京时间）已过，"
            f"请约定晚于现在（{to_local(now):%Y-%m-%d %H:%M}）的时间",
            "promised_at",
        )
