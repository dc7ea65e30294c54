"""The console's own database: accounts only (no business data lives here)."""

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, select
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
