"""Outreach's own database: campaigns and their tasks, leave as the router announced it, the
WeChat group register, and the training register. Repositories never commit."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata
from shared.outbox_table import plumbing

OPEN, SENT = "open", "sent"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OutboxRow, InboxRow = plumbing(Base)  # shared plumbing, declared once in shared/outbox_table.py


class CampaignRow(Base):
    """One notice started by an operator or a head, for one or more communities."""

    __tablename__ = "campaigns"

    campaign_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    template: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    deadline: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]


class TaskRow(Base):
    """Post this text to that community's group by the deadline (one per community)."""

    __tablename__ = "notice_tasks"

    task_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(40), index=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    community: Mapped[str] = mapped_column(String(100))
    grid: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    post: Mapped[str] = mapped_column(String(2))
    note: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(10), index=True)
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(60))
    screenshot: Mapped[str | None] = mapped_column(Text, doc="data: URL of the posted message")
    overdue_at: Mapped[datetime | None] = mapped_column(doc="When NoticeOverdue was raised")


class LeaveRow(Base):
    """A person's leave as last announced by the router (LeaveChanged replaces it whole)."""

    __tablename__ = "leave"

    person_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    periods: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class GroupRow(Base):
    """One community's owners' group, or the property manager's direct contact, for a worker."""

    __tablename__ = "wechat_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(100))
    community_key: Mapped[str] = mapped_column(String(100), index=True)
    worker_id: Mapped[str] = mapped_column(String(40), index=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20), doc="group | manager_contact")
    group_name: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[int | None] = mapped_column(Integer)
    worker_in_group: Mapped[bool] = mapped_column(Boolean, default=False)
    manager_name: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]


class TrainingRow(Base):
    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(60))
    attendees: Mapped[list[str]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]


class OutreachRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, *rows: Base) -> None:
        self.session.add_all(rows)

    async def task(self, task_id: str) -> TaskRow | None:
        return await self.session.get(TaskRow, task_id)

    async def campaign(self, campaign_id: str) -> CampaignRow | None:
        return await self.session.get(CampaignRow, campaign_id)

    async def tasks_of(self, campaign_id: str) -> list[TaskRow]:
        query = select(TaskRow).where(TaskRow.campaign_id == campaign_id)
        return list(await self.session.scalars(query.order_by(TaskRow.task_id)))

    async def overdue(self, now: datetime, limit: int = 200) -> list[TaskRow]:
        """Open tasks past their deadline not yet raised; locked so replicas share the work."""
        query = (
            select(TaskRow)
            .where(TaskRow.state == OPEN, TaskRow.overdue_at.is_(None), TaskRow.deadline < now)
            .order_by(TaskRow.deadline)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list(await self.session.scalars(query))

    async def leave(self) -> dict[str, list[dict[str, Any]]]:
        rows = await self.session.scalars(select(LeaveRow))
        return {r.person_id: r.periods for r in rows}

    async def set_leave(self, person_id: str, periods: list[dict[str, Any]], at: datetime) -> None:
        row = await self.session.get(LeaveRow, person_id)
        if row is None:
            self.session.add(LeaveRow(person_id=person_id, periods=periods, updated_at=at))
        else:
            row.periods, row.updated_at = periods, at

    async def groups(self, department: str | None = None) -> list[GroupRow]:
        query = select(GroupRow)
        if department is not None:
            query = query.where(GroupRow.department == department)
        return list(await self.session.scalars(query.order_by(GroupRow.id)))

    async def trainings(self, department: str, year: int) -> list[TrainingRow]:
        query = select(TrainingRow).where(
            TrainingRow.department == department,
            TrainingRow.held_on >= date(year, 1, 1),
            TrainingRow.held_on <= date(year, 12, 31),
        )
        return list(await self.session.scalars(query.order_by(TrainingRow.held_on, TrainingRow.id)))


class GapRaisedRow(Base):
    """A WeChatGroupMissing already put on the log: once per worker, community and month."""

    __tablename__ = "group_gaps_raised"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    raised_at: Mapped[datetime]
