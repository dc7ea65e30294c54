"""约定答复时间 (Art. 14, 首问负责): the holder's department records the time the caller was told
to expect an answer; the SLA keeps it as a clock (``AnswerPromised``)."""

from collections.abc import Sequence

from services.router.config import RouterDeps
from services.router.domain import lifecycle, promises
from services.router.domain.events import PRODUCER as P
from services.router.handlers.commands import PromiseAnswer
from services.router.handlers.orders import by, load
from shared.contracts import AnswerPromised, AnswerPromisedPayload, Event
from shared.contracts.envelopes import envelope
from shared.unit_of_work import UnitOfWork


async def promise_answer(
    command: PromiseAnswer, uow: UnitOfWork, _deps: RouterDeps
) -> Sequence[Event]:
    """The order's state does not change: the promise is a deadline, not a step."""
    order_id, who, body, now = command.order_id, command.who, command.body, uow.now
    _, row = await load(uow, order_id)
    lifecycle.may_act(who, row.department)
    promises.check_promise(row.state, body.promised_at, now)
    row.updated_at = now
    payload = AnswerPromisedPayload(
        promised_at=body.promised_at,
        note=body.note,
        by=by(who),
        department=row.department,
        assignee_id=row.assignee_id,
        assignment_id=row.assignment_id,
    )
    return [envelope(AnswerPromised, order_id, payload, now, P)]
