"""What each order event does to the order's clocks, inside the handler's transaction: start,
move, pause, restart for a receiving department, stop."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.sla import domain, metrics
from services.sla.policies import LimitName, Policies
from services.sla.store import (
    APPOINTMENT,
    CARD,
    CHAIN,
    FIRED,
    DeadlineRepository,
    DeadlineRow,
    OrderRepository,
    OrderRow,
    ShareRepository,
    ShareRow,
)
from shared.contracts import (
    AppointmentSet,
    ExtensionGranted,
    OrderAcknowledged,
    OrderDispatched,
    OrderReceived,
    OrderReopened,
    OrderResolved,
    OrderReturned,
)
from shared.workdays import WorkCalendar

# The clocks that belong to the department holding the order (the reply is the utility's).
DEPARTMENT_CLOCKS: tuple[LimitName, ...] = ("acknowledge", "arrive", "resolve")


@dataclass(frozen=True)
class SlaDeps:
    policies: Policies
    calendar: WorkCalendar

    @property
    def warning(self) -> domain.Warning:
        spec = self.policies.spec
        return domain.Warning(spec.warning_share, spec.warn_working_days_before)


class Clocks:
    """One event's effect on an order's clocks, inside the handler's transaction."""

    def __init__(self, deps: SlaDeps, session: AsyncSession, now: datetime) -> None:
        self.deps = deps
        self.now = now
        self.deadlines = DeadlineRepository(session)
        self.orders = OrderRepository(session)
        self.shares = ShareRepository(session)

    def _add(self, order_id: str, d: domain.NewDeadline) -> None:
        self.deadlines.add(
            DeadlineRow(
                order_id=order_id,
                kind=d.kind,
                purpose=d.purpose,
                assignment_id=d.assignment_id,
                department=d.department,
                assignee_id=d.assignee_id,
                clock=d.clock,
                started_at=d.started_at,
                policy_due=d.policy_due,
                platform_due=d.platform_due,
                due_at=d.due,
                warn_at=d.warn_at,
                warned=False,
                next_at=d.next_at,
                paused_seconds=0,
                explained=d.explained,
                state="open",
                created_at=self.now,
                fired_at=None,
            )
        )

    async def received(self, event: OrderReceived) -> None:
        order = event.payload
        if await self.orders.get(event.order_id) is not None:
            return
        self.orders.add(
            OrderRow(
                order_id=event.order_id,
                source=order.source,
                category=order.category,
                category_label=order.category_label,
                priority=order.priority,
                needs_reply=order.needs_reply,
                state="linked" if order.incident_id else "received",
                acknowledged=False,
                received_at=order.received_at,
                platform_deadline=order.platform_deadline,
                appointment_at=order.appointment_at,
            )
        )
        limits = self.deps.policies.limits_for(order.source, order.category, order.priority)
        for d in domain.opening_deadlines(
            limits,
            order.received_at,
            order.platform_deadline,
            order.needs_reply,
            self.deps.calendar,
            self.deps.warning,
        ):
            if order.incident_id and d.kind in DEPARTMENT_CLOCKS:
                continue  # linked on arrival: the incident's clocks run on its primary
            self._add(event.order_id, d)
        if order.appointment_at is not None and not order.incident_id:
            self._add(
                event.order_id,
                domain.NewDeadline(
                    kind="appointment", due=order.appointment_at, purpose=APPOINTMENT
                ),
            )

    async def dispatched(self, event: OrderDispatched) -> None:
        d = event.payload
        order = await self.orders.get(event.order_id)
        # A new assignment replaces the old one's acknowledgement clock (the router's chain).
        await self.deadlines.close(event.order_id, ("acknowledge",), (CHAIN,))
        self._add(
            event.order_id,
            domain.NewDeadline(
                kind="acknowledge",
                purpose=CHAIN,
                due=d.ack_due,
                assignment_id=d.assignment_id,
                department=d.department,
                assignee_id=d.assignee_id,
            ),
        )
        if order is None:
            return  # dispatched before we saw it received: only the chain clock can run
        share = await self.shares.current(event.order_id)
        moved = share is not None and share.department != d.department
        if share is not None and moved:
            share.ended_at, share.outcome = event.occurred_at, "redispatched"
        if share is None or moved:
            self.shares.add(
                ShareRow(
                    order_id=event.order_id,
                    department=d.department,
                    started_at=event.occurred_at,
                    ended_at=None,
                    outcome=None,
                )
            )
        if order.state == "returned":
            # The receiving department gets its own clocks: the first one's time is not its.
            await self.restart(
                order, DEPARTMENT_CLOCKS, event.occurred_at, d.department, d.assignee_id
            )
        for row in await self.deadlines.open_of(event.order_id):
            if row.purpose in (CARD, APPOINTMENT):  # red cards name whoever holds it now
                row.department, row.assignee_id = d.department, d.assignee_id
        order.state = "dispatched"
        order.department, order.assignee_id = d.department, d.assignee_id
        order.assignment_id, order.acknowledged = d.assignment_id, False
        order.first_dispatched_at = order.first_dispatched_at or event.occurred_at

    async def restart(
        self,
        order: OrderRow,
        kinds: Sequence[LimitName],
        start: datetime,
        department: str | None,
        assignee_id: str | None,
    ) -> None:
        limits = self.deps.policies.limits_for(order.source, order.category, order.priority)
        await self.deadlines.close(order.order_id, tuple(kinds), (CARD,))
        for kind in kinds:
            made = domain.restarted(
                kind,
                limits,
                start,
                self.deps.calendar,
                self.deps.warning,
                order.platform_deadline,
                department,
                assignee_id,
            )
            if made is not None:
                self._add(order.order_id, made)

    async def acknowledged(self, event: OrderAcknowledged) -> None:
        ack = event.payload
        order = await self.orders.get(event.order_id)
        if order is not None and order.assignment_id not in (None, ack.assignment_id):
            return  # a stale acknowledgement of an earlier assignment
        await self.deadlines.close(event.order_id, ("acknowledge",))
        if order is not None:
            order.acknowledged = True
            order.state = "acknowledged"
            order.acknowledged_at = order.acknowledged_at or event.occurred_at

    async def appointment_set(self, event: AppointmentSet) -> None:
        p = event.payload
        order = await self.orders.get(event.order_id)
        # The router names the time being re-agreed; older events leave it to what we stored.
        previous = p.previous_appointment_at or (
            order.appointment_at if order is not None else None
        )
        await self.deadlines.close(event.order_id, ("appointment",))
        if p.requested_by == "caller":
            pause = domain.caller_pause(previous, p.appointment_at, event.occurred_at)
            if pause > timedelta(0):
                await self._pause_resolution(event.order_id, pause)
        self._add(
            event.order_id,
            domain.NewDeadline(
                kind="appointment",
                purpose=APPOINTMENT,
                due=p.appointment_at,
                department=order.department if order is not None else None,
                assignee_id=order.assignee_id if order is not None else None,
                # 18(一)4: whether a missed time was explained is decided when it is missed, from
                # a word to the caller after this booking (a note typed at booking is not one;
                # a re-agreement's explanation covers the time it replaces, not this one).
                explained=False,
            ),
        )
        if order is not None:
            order.appointment_at = p.appointment_at

    async def _pause_resolution(self, order_id: str, pause: timedelta) -> None:
        for row in await self.deadlines.open_of(order_id, ("resolve",)):
            if row.policy_due is None:
                continue  # only the platform's deadline: the platform does not wait
            moved = domain.shifted(
                row.started_at or row.created_at,
                row.policy_due,
                row.platform_due,
                pause,
                row.clock,
                row.warned,
                self.deps.warning,
                self.deps.calendar,
            )
            row.policy_due, row.due_at = moved.policy_due, moved.due
            if not row.warned:
                row.warn_at = moved.warn_at
            row.next_at = _next_at(row)
            row.paused_seconds += int(pause.total_seconds())

    async def returned(self, event: OrderReturned) -> None:
        order = await self.orders.get(event.order_id)
        # The returning department's own clocks stop; the utility's reply clock runs on.
        await self.deadlines.close(event.order_id, DEPARTMENT_CLOCKS)
        await self.deadlines.close(event.order_id, ("appointment",))
        share = await self.shares.current(event.order_id)
        if share is not None:
            share.ended_at, share.outcome = event.occurred_at, "returned"
        if order is not None:
            order.state = "returned"
            order.acknowledged = False

    async def extension(self, event: ExtensionGranted) -> None:
        new_deadline = event.payload.new_deadline
        for row in await self.deadlines.open_of(event.order_id, ("resolve", "reply")):
            moved = domain.extended(
                row.started_at or row.created_at,
                new_deadline,
                row.clock,
                self.deps.warning,
                self.deps.calendar,
            )
            row.policy_due, row.due_at, row.warn_at = moved.policy_due, moved.due, moved.warn_at
            if row.platform_due is not None:
                row.platform_due = new_deadline
            row.warned = False
            row.next_at = _next_at(row)

    async def resolved(self, event: OrderResolved) -> None:
        order = await self.orders.get(event.order_id)
        resolution = await self.deadlines.open_of(event.order_id, ("resolve",))
        if resolution:
            on_time = all(event.occurred_at <= r.due_at for r in resolution)
        else:  # on time unless its last resolution clock gave a red card
            latest = await self.deadlines.latest_of(event.order_id, "resolve")
            on_time = latest is None or latest.state != FIRED
        await self.deadlines.close(event.order_id, (*DEPARTMENT_CLOCKS, "appointment"))
        share = await self.shares.current(event.order_id)
        if share is not None:
            share.ended_at, share.outcome = event.occurred_at, "resolved"
        if order is not None:
            order.state = "resolved"
            order.resolved_at = event.occurred_at
            order.on_time = on_time
            metrics.RESOLVED.labels(dept_label(order.department), "yes" if on_time else "no").inc()
            if not order.needs_reply:
                await self.deadlines.close(event.order_id)

    async def reopened(self, event: OrderReopened) -> None:
        order = await self.orders.get(event.order_id)
        if order is None:
            return
        order.state, order.resolved_at, order.on_time = "reopened", None, None
        # A reopened order gets a fresh resolution clock; the passed platform deadline would
        # only red-card it at once, so only the policy limit runs.
        limits = self.deps.policies.limits_for(order.source, order.category, order.priority)
        made = domain.restarted(
            "resolve",
            limits,
            event.occurred_at,
            self.deps.calendar,
            self.deps.warning,
            None,
            order.department,
            order.assignee_id,
        )
        if made is not None:
            self._add(order.order_id, made)


def _next_at(row: DeadlineRow) -> datetime:
    if not row.warned and row.warn_at is not None and row.warn_at < row.due_at:
        return row.warn_at
    return row.due_at


def dept_label(department: str | None) -> str:
    return department or "UNASSIGNED"
