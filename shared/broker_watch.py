"""Notices a broker that lost its memory, and has the service give it its part of the log back.

The embedded broker keeps topics, messages and committed offsets in memory: restarted, it comes
back empty. Each service keeps a sentinel topic of its own on the broker; if the sentinel is
gone, so is everything else the broker knew. The service then recreates its topics, marks its
retained outbox unsent (the relay republishes it in order), makes its consumers rejoin from the
beginning of the rebuilt log (their inboxes absorb what they had already handled) and only then
recreates the sentinel.

A connection held open to the broker says at once when it went away (the broker never speaks
first, so end-of-file means it closed); until the sentinel has been checked again the gate is
closed, and consumers and the relay hold what they have rather than act on stale positions.
Besides, the sentinel is checked every ``check_seconds``.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.faults import Gate, Health
from shared.logging import get_logger
from shared.metrics import BROKER_RESETS
from shared.topics import TopicSpec

log = get_logger(__name__)

FAULT = "broker"


class BrokerWatch:
    def __init__(
        self,
        bootstrap: str,
        specs: list[TopicSpec],
        sentinel: str,
        on_reset: Callable[[], Awaitable[None]],
        gate: Gate,
        health: Health,
        *,
        replication: int = 1,
        check_seconds: float = 30.0,
        backoff_max: float = 5.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.specs = specs
        self.sentinel = sentinel
        self.on_reset = on_reset
        self.gate = gate
        self.health = health
        self.replication = replication
        self.check_seconds = check_seconds
        self.backoff_max = backoff_max

    async def run(self) -> None:
        backoff = 0.1
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.gate.close()
                self.health.fault(FAULT, f"broker unreachable: {exc!r}", "broker", blocking=False)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max)
                continue
            backoff = 0.1
            self.health.clear(FAULT)
            self.gate.open()
            await self._until_dropped()

    async def check(self) -> bool:
        """Makes sure the topics and the sentinel exist; True if the broker had lost them."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10_000)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            if self.sentinel in existing:
                return False
            self.gate.close()
            await self._create(admin, [s for s in self.specs if s.name not in existing])
            log.warning("broker_without_our_log", sentinel=self.sentinel)
            await self.on_reset()
            await self._create(admin, [TopicSpec(self.sentinel, 1)])
            BROKER_RESETS.inc()
            return True
        finally:
            await admin.close()

    async def _create(self, admin: AIOKafkaAdminClient, specs: list[TopicSpec]) -> None:
        if not specs:
            return
        # Another service (or replica) may win the race to create them: what we wanted.
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(
                [NewTopic(s.name, s.partitions, self.replication) for s in specs]
            )

    async def _until_dropped(self) -> None:
        host, _, port = self.bootstrap.split(",")[0].strip().rpartition(":")
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host or "127.0.0.1", int(port)), timeout=5
            )
        except (OSError, TimeoutError):
            self.gate.close()
            return
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.check_seconds):
                    await reader.read(1)
                    # End of file (or a reset): the broker went away. Hold everything until
                    # the sentinel says whether it came back with our log.
                    self.gate.close()
                    log.warning("broker_connection_dropped", bootstrap=self.bootstrap)
        except OSError:
            self.gate.close()
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
