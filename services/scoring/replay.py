"""Rebuilding the ledger from the log: every count, entry and closing comes from an event, so
reading ``gridline.orders`` and ``gridline.activity`` from the beginning gives the same numbers.

A plain consumer with no group reads each partition to its end offset at the start; events are
applied with the live handler, and claimed in the inbox under the live consumers' names so a
service started on the rebuilt database does not apply them again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.scoring.config import RuleBook
from services.scoring.handlers import ACTIVITY_CONSUMER, ORDERS_CONSUMER, apply_event
from services.scoring.store import wipe
from shared.contracts import PoisonMessage, parse_activity_event, parse_order_event
from shared.db import Database
from shared.inbox import Inbox
from shared.migrations import upgrade
from shared.topics import Topics

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class RebuildSummary:
    read: int = 0
    applied: int = 0
    skipped: int = 0
    poison: int = 0


Progress = Callable[[int], None]
"""Called with the total number of messages once, then with each batch read."""


async def rebuild(
    bootstrap: str,
    topics: Topics,
    database_url: str,
    book: RuleBook,
    inbox: Inbox,
    *,
    on_total: Progress = lambda _n: None,
    on_advance: Progress = lambda _n: None,
) -> RebuildSummary:
    db = Database(database_url)
    await db.start()
    try:
        await upgrade(db, MIGRATIONS)
        async with db.transaction() as session:
            await wipe(session)
        return await _replay(bootstrap, topics, db, book, inbox, on_total, on_advance)
    finally:
        await db.stop()


async def _replay(
    bootstrap: str,
    topics: Topics,
    db: Database,
    book: RuleBook,
    inbox: Inbox,
    on_total: Progress,
    on_advance: Progress,
) -> RebuildSummary:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    summary = RebuildSummary()
    try:
        await consumer.topics()  # fetches the metadata the partition look-ups need
        parts = [
            TopicPartition(topic, p)
            for topic in (topics.orders, topics.activity)
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not parts:
            on_total(0)
            return summary
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        starts = await consumer.beginning_offsets(parts)
        ends = await consumer.end_offsets(parts)
        on_total(sum(ends[tp] - starts[tp] for tp in parts))
        for tp in parts:
            while await consumer.position(tp) < ends[tp]:
                batch = (await consumer.getmany(tp, timeout_ms=1000)).get(tp, [])
                records = [r for r in batch if r.offset < ends[tp]]
                async with db.transaction() as session:
                    for record in records:
                        summary.read += 1
                        orders = tp.topic == topics.orders
                        try:
                            parse = parse_order_event if orders else parse_activity_event
                            event = parse(record.value or b"")
                        except PoisonMessage:
                            summary.poison += 1
                            continue
                        name = ORDERS_CONSUMER if orders else ACTIVITY_CONSUMER
                        if event is None or not await inbox.claim(
                            session, event.event_id, name, event.occurred_at
                        ):
                            summary.skipped += 1
                            continue
                        await apply_event(event, session, book)
                        summary.applied += 1
                on_advance(len(records))
    finally:
        await consumer.stop()
    return summary
