"""12345's 催办 and 督办 on an order the router holds: counted on its routing row, and the
latest one's time lifts the order to the top of its holder's inbox (issue 20). Notify tells the
holder and the head; the SLA keeps 督办's answer deadline; here only the order's place moves."""

from collections.abc import Sequence
from datetime import datetime

from services.router.config import RouterDeps
from services.router.domain import lifecycle
from services.router.store import RoutingRepository
from shared.contracts import Event, OrderSupervised, OrderUrged
from shared.unit_of_work import UnitOfWork

_CLOSED = lifecycle.CLOSED


def _latest(before: datetime | None, now: datetime) -> datetime:
    # A late-delivered older chase must not push a newer one down.
    return now if before is None or now > before else before


async def urged(event: OrderUrged, uow: UnitOfWork, _deps: RouterDeps) -> Sequence[Event]:
    row = await RoutingRepository(uow.session).get_for_update(event.order_id)
    if row is not None and row.state not in _CLOSED:
        row.urge_count = (row.urge_count or 0) + 1
        row.urged_at = _latest(row.urged_at, event.occurred_at)
        row.updated_at = uow.now
    return []


async def supervised(event: OrderSupervised, uow: UnitOfWork, _deps: RouterDeps) -> Sequence[Event]:
    row = await RoutingRepository(uow.session).get_for_update(event.order_id)
    if row is not None and row.state not in _CLOSED:
        row.supervise_count = (row.supervise_count or 0) + 1
        row.urged_at = _latest(row.urged_at, event.occurred_at)
        row.updated_at = uow.now
    return []
