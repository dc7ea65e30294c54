"""The console's own database: accounts and their sign-in sessions (no business data)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import ServiceBase, new_metadata


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class UserRow(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(60))
    person_id: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]


class SessionRow(Base):
    """One sign-in. The cookie carries the session's token; only its digest is stored, so a
    copy of this table opens no session."""

    __tablename__ = "sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(40), ForeignKey("users.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, username: str) -> UserRow | None:
        return await self.session.get(UserRow, username)

    async def get_for_update(self, username: str) -> UserRow | None:
        found = await self.session.execute(
            select(UserRow).where(UserRow.username == username).with_for_update()
        )
        return found.scalar_one_or_none()

    async def any(self) -> bool:
        found = await self.session.execute(select(UserRow.username).limit(1))
        return found.first() is not None

    def add(self, row: UserRow) -> None:
        self.session.add(row)

    async def all(self) -> list[UserRow]:
        found = await self.session.execute(select(UserRow).order_by(UserRow.username))
        return list(found.scalars())


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: SessionRow) -> None:
        self.session.add(row)

    async def user_of(self, digest: str, now: datetime) -> UserRow | None:
        """The account a live session belongs to: one query on every page."""
        found = await self.session.execute(
            select(UserRow)
            .join(SessionRow, SessionRow.username == UserRow.username)
            .where(SessionRow.digest == digest, SessionRow.expires_at > now)
        )
        return found.scalar_one_or_none()

    async def end_all(self, username: str) -> int:
        found = await self.session.execute(
            delete(SessionRow).where(SessionRow.username == username)
        )
        return int(getattr(found, "rowcount", 0) or 0)

    async def end_expired(self, username: str, now: datetime) -> None:
        await self.session.execute(
            delete(SessionRow).where(SessionRow.username == username, SessionRow.expires_at <= now)
        )
