"""The console's own reader of ``gridline.orders`` and ``gridline.activity``, feeding the hub.

Every console process must see every event (each holds its own browsers' streams), so it joins
no consumer group: it is assigned every partition and starts at the end of the log. It commits
nothing and handles nothing twice-critical: a page told of a change only reads its fragment
again. After a restart of the reader (the broker went away) the pages are told to resync, since
what came meanwhile was not read.

Built on the same aiokafka client, topics, parsers and metadata rule as the services' consumers;
not on ``shared.consumer``, whose every duty (group, offsets after a transaction, dead letters)
is one this reader must not have."""

import asyncio
import contextlib
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.console.domain.live import Change, change_of
from services.console.live.hub import RESYNC, Hub
from shared.contracts import PoisonMessage, parse_activity_event, parse_order_event
from shared.logging import get_logger
from shared.messaging import refuse_topic_auto_creation
from shared.subscription import Record

log = get_logger(__name__)
Parse = Callable[[bytes], object]


class EventReader:
    def __init__(
        self,
        bootstrap: str,
        orders_topic: str,
        activity_topic: str,
        hub: Hub,
        *,
        fetch_wait_ms: int = 200,
        retry_seconds: float = 1.0,
        client_id: str = "gridline-console-live",
    ) -> None:
        refuse_topic_auto_creation()
        self._bootstrap = bootstrap
        self._parsers: dict[str, Parse] = {
            orders_topic: parse_order_event,
            activity_topic: parse_activity_event,
        }
        self._hub = hub
        self._fetch_wait_ms = fetch_wait_ms
        self._retry_seconds = retry_seconds
        self._client_id = client_id

    async def run(self) -> None:
        first = True
        while True:
            kafka = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id=self._client_id,
                # The embedded broker answers a fetch at the end of its wait: this bounds how
                # late a page hears of an event (the pop-up's 1 s, 我的工单's 2 s).
                fetch_max_wait_ms=self._fetch_wait_ms,
            )
            try:
                await kafka.start()
                await self._at_the_end(kafka)
                if not first:
                    self._hub.publish(RESYNC)
                first = False
                self._hub.ready.set()
                await self._loop(kafka)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._hub.ready.clear()
                log.warning("console_live_reader_restarting", error=repr(exc)[:300])
                await asyncio.sleep(self._retry_seconds)
            finally:
                with contextlib.suppress(Exception):
                    await kafka.stop()

    async def _at_the_end(self, kafka: AIOKafkaConsumer) -> None:
        """Assigned every partition of both topics (waiting for them to exist), positioned at
        their ends now, so that an event published after this returns is read."""
        while True:
            await kafka.topics()  # fresh metadata, without creating anything
            found = {t: kafka.partitions_for_topic(t) for t in self._parsers}
            if all(found.values()):
                break
            await asyncio.sleep(self._retry_seconds)
        tps = [TopicPartition(t, p) for t, parts in found.items() for p in sorted(parts or ())]
        kafka.assign(tps)
        await kafka.seek_to_end(*tps)
        for tp in tps:
            await kafka.position(tp)  # resolves the end offset now, not at the first fetch

    async def _loop(self, kafka: AIOKafkaConsumer) -> None:
        while True:
            batches = await kafka.getmany(timeout_ms=1000, max_records=500)
            for records in batches.values():
                self.told(records)

    def told(self, records: Sequence[Record]) -> None:
        for record in records:
            change = self._change(record)
            if change is not None:
                self._hub.publish(change)

    def _change(self, record: Record) -> Change | None:
        parse = self._parsers.get(record.topic)
        if parse is None or record.value is None:
            return None
        try:
            event = parse(record.value)
        except PoisonMessage:
            return None  # the services' consumers dead-letter it; a page has nothing to learn
        return change_of(event) if event is not None else None
