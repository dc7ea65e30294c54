"""An order's state and its timeline are read from one moment, even while others commit."""

import asyncio

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, ServiceBase, new_metadata
from tests.support.databases import DatabaseFactory


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)


async def test_a_snapshot_does_not_see_a_commit_made_between_its_reads(
    databases: DatabaseFactory,
) -> None:
    db = Database(await databases.url("snapshot"))
    await db.start()
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        count = select(func.count()).select_from(Row)
        committed = asyncio.Event()

        async def writer() -> None:
            async with db.transaction() as session:
                session.add(Row())
            committed.set()

        async with db.snapshot() as session:
            before = await session.scalar(count)
            task = asyncio.create_task(writer())
            if db.is_postgres:  # SQLite's writer waits for the snapshot to end instead
                await asyncio.wait_for(committed.wait(), 10)
            after = await session.scalar(count)
        await task
        assert before == after == 0
        async with db.snapshot() as session:
            assert await session.scalar(count) == 1
    finally:
        await db.stop()
