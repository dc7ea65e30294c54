"""An order's state and its timeline are read from one moment, even while others commit."""

import asyncio

import pytest
from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, ServiceBase, new_metadata
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.integration


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
            # A snapshot takes no write lock, on SQLite either: the writer commits meanwhile.
            await asyncio.wait_for(committed.wait(), 30)
            after = await session.scalar(count)
        await task
        assert before == after == 0
        async with db.snapshot() as session:
            assert await session.scalar(count) == 1
    finally:
        await db.stop()


async def test_a_read_does_not_wait_for_a_writer_holding_its_transaction_open(
    databases: DatabaseFactory,
) -> None:
    """Router reads answered 500 after 63 s behind SQLite's write lock: a reader needs none."""
    db = Database(await databases.url("reads"))
    await db.start()
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        writing, read_done = asyncio.Event(), asyncio.Event()

        async def writer() -> None:
            async with db.transaction() as session:
                session.add(Row())
                await session.flush()
                writing.set()
                # The write transaction stays open until the read has finished: if the read
                # waited for the writer, neither would ever finish (wait_for fails the test).
                await read_done.wait()

        task = asyncio.create_task(writer())
        await asyncio.wait_for(writing.wait(), 30)

        async def read() -> int | None:
            async with db.snapshot() as session:
                return await session.scalar(select(func.count()).select_from(Row))

        seen = await asyncio.wait_for(read(), 30)
        read_done.set()
        await asyncio.wait_for(task, 30)
        assert seen == 0
    finally:
        await db.stop()
