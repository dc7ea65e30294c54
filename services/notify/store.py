"""Notify's own database: what it knows of orders, the deliveries (its outbox of messages to
people), and the local receiver's record of what would have been sent."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.notify.domain.facts import OrderFacts
from shared.db import ServiceBase, new_metadata
from shared.inbox import InboxMixin
from shared.outbox import OutboxMixin

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OutboxRow(OutboxMixin, Base):
    pass


class InboxRow(InboxMixin, Base):
    pass


class OrderFactRow(Base):
    __tablename__ = "order_facts"

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")
    category_label: Mapped[str] = mapped_column(String(40), default="")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    deadline: Mapped[datetime | None]
    department: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    ack_due: Mapped[datetime | None]
    incident_id: Mapped[str | None] = mapped_column(String(40), index=True)
    primary_order_id: Mapped[str | None] = mapped_column(String(40))
    taken_in_at: Mapped[datetime | None]
    split_from: Mapped[str | None] = mapped_column(String(40))

    def facts(self) -> OrderFacts:
        return OrderFacts(
            order_id=self.order_id,
            address=self.address,
            category_label=self.category_label,
            priority=self.priority,
            deadline=self.deadline,
            department=self.department,
            team=self.team,
            assignee_id=self.assignee_id,
            assignment_id=self.assignment_id,
            ack_due=self.ack_due,
            incident_id=self.incident_id,
            primary_order_id=self.primary_order_id,
            taken_in_at=self.taken_in_at,
            split_from=self.split_from,
        )


class TeamDutyRow(Base):
    """Who the router has on a team's duty, day by day, as its latest dispatch for the team
    named them (``OrderDispatched.team_duty``): notify wakes these people and reads no rotation
    of its own (issue 19)."""

    __tablename__ = "team_duty"

    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    announced_at: Mapped[datetime]


class DeliveryRow(Base):
    """One message to one person on one channel. ``key`` makes it once: a redelivered event
    plans the same key and the insert is skipped."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    group_key: Mapped[str] = mapped_column(
        String(200), index=True, doc="The key less its channel: one person, one notification"
    )
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    incident_id: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    cause_event_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    sms_params: Mapped[str] = mapped_column(Text, default="{}")
    clocks: Mapped[str] = mapped_column(
        Text, default="", doc="A card's clocks, 'kind@due' separated by ';' (one message lists all)"
    )
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class LocalMessageRow(Base):
    """What the built-in local receiver recorded (the embedded default's “sent” messages)."""

    __tablename__ = "local_messages"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_key: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[str] = mapped_column(String(100), doc="Masked: a phone shows as 138****0101")
    notice: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]


class FactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: str) -> OrderFactRow | None:
        return await self.session.get(OrderFactRow, order_id)

    async def get_or_new(self, order_id: str) -> OrderFactRow:
        row = await self.get(order_id)
        if row is None:
            row = OrderFactRow(order_id=order_id, address="", category_label="", priority="normal")
            self.session.add(row)
        return row


class TeamDutyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def days(self, unit: str) -> list[dict[str, Any]]:
        row = await self.session.get(TeamDutyRow, unit)
        return list(row.days) if row is not None else []

    async def announce(self, unit: str, days: list[dict[str, Any]], at: datetime) -> None:
        """Kept when newer than what is held: dispatches of other orders may be read late."""
        row = await self.session.get(TeamDutyRow, unit)
        if row is None:
            self.session.add(TeamDutyRow(unit=unit, days=days, announced_at=at))
        elif at >= row.announced_at and row.days != days:
            row.days, row.announced_at = days, at


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def has_key(self, key: str) -> bool:
        found = await self.session.scalar(select(DeliveryRow.id).where(DeliveryRow.key == key))
        return found is not None

    async def told_about(
        self, person_id: str, incident_id: str, notice: str, orders: list[str]
    ) -> bool:
        """Whether the person already has this kind of message about the incident or one of
        its orders (the primary may have been told of before the incident existed)."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.person_id == person_id,
                DeliveryRow.notice == notice,
                or_(DeliveryRow.incident_id == incident_id, DeliveryRow.order_id.in_(orders)),
            )
            .limit(1)
        )
        return found is not None

    def add(self, row: DeliveryRow) -> None:
        self.session.add(row)

    async def cards(
        self, order_id: str, notice: str, person_id: str, channel: str
    ) -> list[DeliveryRow]:
        """The person's cards of this kind about the order on this channel, oldest first."""
        rows = await self.session.scalars(
            select(DeliveryRow)
            .where(
                DeliveryRow.order_id == order_id,
                DeliveryRow.notice == notice,
                DeliveryRow.person_id == person_id,
                DeliveryRow.channel == channel,
            )
            .order_by(DeliveryRow.id)
        )
        return list(rows)

    async def rewrite_unsent(
        self, row: DeliveryRow, clocks: str, text: str, sms_params: str
    ) -> bool:
        """Lists more clocks on a card not yet taken by the delivery job; False when it was
        taken meanwhile (the job's claim wins: the clock then goes in a message of its own)."""
        done = await self.session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == row.id, DeliveryRow.state == PENDING, DeliveryRow.attempts == 0
            )
            .values(clocks=clocks, text=text, sms_params=sms_params)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def due(self, now: datetime, limit: int, skip_locked: bool) -> list[DeliveryRow]:
        query = (
            select(DeliveryRow)
            .where(DeliveryRow.state.in_((PENDING, SENDING)), DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def get(self, delivery_id: int) -> DeliveryRow | None:
        return await self.session.get(DeliveryRow, delivery_id)

    async def others_alive(self, row: DeliveryRow) -> bool:
        """Whether another channel of the same person and notification is sent or still
        trying: the person is reachable, or may yet be."""
        found = await self.session.scalar(
            select(DeliveryRow.id)
            .where(
                DeliveryRow.group_key == row.group_key,
                DeliveryRow.id != row.id,
                DeliveryRow.state != FAILED,
            )
            .limit(1)
        )
        return found is not None
