"""Intake's commands, shared by HTTP and ``gridline.intake.raw``: each source's items in, stored
with their events in one transaction, answered per item."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from services.intake.domain import (
    NormalizedOrder,
    normalize_12345,
    normalize_96568,
    normalize_grid_report,
)
from services.intake.formats import Call96568, GridActivity, GridReport, Order12345
from services.intake.handlers import (
    household_place,
    record_activity,
    register_household,
    timeline_rows,
)
from services.intake.metrics import ORDERS_RECEIVED
from services.intake.submit import IntakeDeps, submit_order
from shared.contracts import PoisonMessage
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

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


class HouseholdMissing(ValueError):
    """A vulnerable-household report without the household."""


class IntakeCommands:
    def __init__(self, runtime: ServiceRuntime, deps: IntakeDeps) -> None:
        self.runtime = runtime
        self.deps = deps

    def normalize(self, item: BaseModel, now: datetime) -> NormalizedOrder:
        taxonomy = self.deps.taxonomy
        if isinstance(item, Order12345):
            return normalize_12345(item, taxonomy, now)
        if isinstance(item, Call96568):
            return normalize_96568(item, taxonomy, now)
        if isinstance(item, GridReport):
            return normalize_grid_report(item, taxonomy, now)
        raise TypeError(f"not an order format: {type(item).__name__}")

    async def accept(self, items: Sequence[BaseModel]) -> list[Outcome]:
        """Orders, grid reports and activity, in one transaction; 201 only after it commits."""
        runtime = self.runtime
        now = runtime.clock.now()
        for item in items:
            if (
                isinstance(item, GridReport)
                and item.kind == "vulnerable_household"
                and item.household is None
            ):
                raise HouseholdMissing("a vulnerable_household report needs 'household'")
        outcomes: list[Outcome] = []
        received: list[dict[str, str | None]] = []
        async with runtime.db.transaction() as session:
            for item in items:
                if isinstance(item, GridActivity):
                    event = await record_activity(session, item, now)
                    if event is not None:
                        runtime.outbox.add(session, [event])
                    status: Status = "recorded" if event else "already_recorded"
                    outcomes.append(Outcome(status, activity_id=item.activity_id))
                    continue
                if (
                    isinstance(item, GridReport)
                    and item.kind == "vulnerable_household"
                    and item.household is not None
                ):
                    entry = await register_household(
                        session, item.household, household_place(item), item.worker_id, now
                    )
                    outcomes.append(Outcome("registered", register_id=entry.id))
                    continue
                order = self.normalize(item, now)
                result = await submit_order(session, order, now, self.deps)
                runtime.outbox.add(session, result.events)
                session.add_all(timeline_rows(result.events))
                outcomes.append(
                    Outcome(
                        "created" if result.created else "duplicate",
                        order_id=result.order_id,
                        category=result.category,
                        incident_id=result.incident_id,
                    )
                )
                ORDERS_RECEIVED.labels(order.source, outcomes[-1].status).inc()
                if result.created:
                    received.append(
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
        runtime.outbox.wake()
        # Logged only once committed; the caller's phone is masked by the log pipeline.
        for fields in received:
            log.info("order_received", **fields)
        return outcomes

    async def accept_raw(self, items: Sequence[BaseModel]) -> None:
        try:
            await self.accept(items)
        except HouseholdMissing as exc:
            raise PoisonMessage(f"invalid grid_report: household: {exc}") from exc
