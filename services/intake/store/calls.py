"""The hotline's call log and its 回拨 tasks: one row per call (each CTI event fills its own
columns once, so a resent event changes nothing) and one open task per caller at a time (a
caller who rings three times unanswered is one callback, not three)."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, Boolean, Integer, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.store.tables import Base


class CallRow(Base):
    __tablename__ = "calls"

    call_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    from_number: Mapped[str] = mapped_column(String(40))
    to_number: Mapped[str] = mapped_column(String(40))
    # The outside party's number as intake stores a caller's; None for an anonymous caller.
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    queue: Mapped[str | None] = mapped_column(String(60))
    users: Mapped[list[Any]] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    rang_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(60))
    ended_at: Mapped[datetime | None]
    cause: Mapped[str | None] = mapped_column(String(20))
    missed: Mapped[bool] = mapped_column(Boolean, default=False)


class CallbackRow(Base):
    """A 回拨 owed to a caller whose call was missed, until reached, given up or rung again."""

    __tablename__ = "callbacks"

    callback_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    call_id: Mapped[str] = mapped_column(String(250))
    missed_calls: Mapped[int] = mapped_column(Integer, default=1)
    missed_at: Mapped[datetime]
    due_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    tries: Mapped[list[Any]] = mapped_column(JSON)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(60))
    closing_call_id: Mapped[str | None] = mapped_column(String(250))


CALLS = cast(Table, CallRow.__table__)


class CallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locked(self, call_id: str, first: dict[str, Any]) -> CallRow:
        """The call's row, created from ``first`` if this is its first event, locked so that two
        events of one call are applied one after the other."""
        dialect = self.session.bind.dialect.name if self.session.bind is not None else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(CALLS).values(call_id=call_id, **first)
        await self.session.execute(statement.on_conflict_do_nothing(index_elements=["call_id"]))
        row = await self.session.get(CallRow, call_id, with_for_update=True, populate_existing=True)
        assert row is not None  # inserted above or already there
        return row

    async def open_callback(self, phone: str) -> CallbackRow | None:
        return await self.session.scalar(
            select(CallbackRow)
            .where(CallbackRow.phone == phone, CallbackRow.state == "open")
            .order_by(CallbackRow.callback_id)
            .limit(1)
            .with_for_update()
        )

    async def callback(self, callback_id: int, lock: bool = True) -> CallbackRow | None:
        """Locked for a write (two operators logging at once are applied in turn)."""
        return await self.session.get(
            CallbackRow, callback_id, with_for_update=lock, populate_existing=True
        )

    def add(self, row: CallbackRow) -> None:
        self.session.add(row)
