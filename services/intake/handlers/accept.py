"""Accepting the sources' items, from HTTP and from ``gridline.intake.raw`` alike: orders, grid
reports and grid activity, stored with their events in one unit of work, answered per item."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.canonical import (
    activity_event,
    normalize_12345,
    normalize_96568,
    normalize_grid_report,
)
from services.intake.config import IntakeDeps
from services.intake.domain.normalize import NormalizedOrder
from services.intake.handlers.care import household_place, register_household
from services.intake.handlers.submit import submit_order
from services.intake.handlers.timeline import record_own_events
from services.intake.metrics import ORDERS_RECEIVED
from services.intake.sources import (
    Call96568,
    GridActivity,
    GridReport,
    Order12345,
    parse_raw,
)
from services.intake.store import ActivityRepository, ActivityRow
from shared.contracts import Event, GridActivityRecorded, PoisonMessage
from shared.logging import get_logger
from shared.refusals import Invalid
from shared.unit_of_work import CommandBus, UnitOfWork

log = get_logger(__name__)

Status = Literal["created", "duplicate", "registered", "recorded", "already_recorded"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    order_id: str | None = None
    category: str | None = None
    incident_id: str | None = None
    register_id: int | None = None
    activity_id: str | None = None

    @property
    def created(self) -> bool:
        return self.status in ("created", "registered", "recorded")


class HouseholdMissing(Invalid):
    """A vulnerable-household report without the household."""


@dataclass(frozen=True)
class AcceptItems:
    """One request's or one raw message's items: all stored, or none."""

    items: tuple[BaseModel, ...]


@dataclass
class Accepted:
    """A command's answer: each item's outcome, and the new orders to log once committed."""

    outcomes: list[Outcome] = field(default_factory=list)
    received: list[dict[str, str | None]] = field(default_factory=list)


async def accept_items(command: AcceptItems, uow: UnitOfWork, deps: IntakeDeps) -> list[Event]:
    """``uow.answer``: ``Accepted``. 201 only once it commits (the HTTP layer answers then)."""
    for item in command.items:
        if (
            isinstance(item, GridReport)
            and item.kind == "vulnerable_household"
            and item.household is None
        ):
            raise HouseholdMissing("a vulnerable_household report needs 'household'", "household")
    accepted = Accepted()
    events: list[Event] = []
    for item in command.items:
        if isinstance(item, GridActivity):
            recorded = await record_activity(uow.session, item, uow.now)
            events += [recorded] if recorded is not None else []
            status: Status = "recorded" if recorded else "already_recorded"
            accepted.outcomes.append(Outcome(status, activity_id=item.activity_id))
        elif (
            isinstance(item, GridReport)
            and item.kind == "vulnerable_household"
            and item.household is not None
        ):
            entry = await register_household(
                uow.session, item.household, household_place(item), item.worker_id, uow.now
            )
            accepted.outcomes.append(Outcome("registered", register_id=entry.id))
        else:
            events += await _accept_order(normalize(item, deps, uow.now), uow, deps, accepted)
    uow.answer = accepted
    return events


async def _accept_order(
    order: NormalizedOrder, uow: UnitOfWork, deps: IntakeDeps, accepted: Accepted
) -> list[Event]:
    result = await submit_order(uow.session, order, uow.now, deps)
    await record_own_events(uow.session, result.events)
    outcome = Outcome(
        "created" if result.created else "duplicate",
        order_id=result.order_id,
        category=result.category,
        incident_id=result.incident_id,
    )
    accepted.outcomes.append(outcome)
    ORDERS_RECEIVED.labels(order.source, outcome.status).inc()
    if result.created:
        accepted.received.append(
            {
                "order_id": result.order_id,
                "source": order.source,
                "source_ref": order.source_ref,
                "category": result.category,
                "grid": order.payload.grid_hint,
                "caller": order.caller.phone,
                "incident": result.incident_id,
            }
        )
    return list(result.events)


def normalize(item: BaseModel, deps: IntakeDeps, now: datetime) -> NormalizedOrder:
    if isinstance(item, Order12345):
        return normalize_12345(item, deps.taxonomy, now)
    if isinstance(item, Call96568):
        return normalize_96568(item, deps.taxonomy, now)
    if isinstance(item, GridReport):
        return normalize_grid_report(item, deps.taxonomy, now)
    raise TypeError(f"not an order format: {type(item).__name__}")


async def record_activity(
    session: AsyncSession, activity: GridActivity, now: datetime
) -> GridActivityRecorded | None:
    """Once per ``activity_id``: a resend is answered as already recorded."""
    repo = ActivityRepository(session)
    if await repo.exists(activity.activity_id):
        return None
    event = activity_event(activity, now)
    repo.add(
        ActivityRow(
            activity_id=activity.activity_id,
            worker_id=activity.worker_id,
            kind=activity.kind,
            at=event.payload.at,
            recorded_at=now,
            payload=event.payload.model_dump(mode="json"),
        )
    )
    return event


async def accept(bus: CommandBus[IntakeDeps], items: Sequence[BaseModel]) -> list[Outcome]:
    """``AcceptItems`` through the bus; each new order logged once committed (the caller's
    phone is masked by the log pipeline)."""
    accepted: Accepted = (await bus.handle(AcceptItems(tuple(items)))).answer
    for fields in accepted.received:
        log.info("order_received", **fields)
    return accepted.outcomes


async def accept_raw(bus: CommandBus[IntakeDeps], raw: bytes) -> None:
    """One ``gridline.intake.raw`` message; what cannot be accepted goes to the DLQ."""
    try:
        await accept(bus, parse_raw(raw))
    except HouseholdMissing as exc:
        raise PoisonMessage(f"invalid grid_report: household: {exc}") from exc
