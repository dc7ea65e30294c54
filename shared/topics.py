"""Topic names and their creation at start: nothing relies on broker auto-creation."""

import contextlib
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

ORDERS = "gridline.orders"
ACTIVITY = "gridline.activity"
INTAKE_RAW = "gridline.intake.raw"
DLQ = "gridline.dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int


@dataclass(frozen=True)
class Topics:
    """The topic names in use. A namespace prefixes them all, so that several environments (or
    test runs) can share one cluster without reading each other's events."""

    orders: str = ORDERS
    activity: str = ACTIVITY
    intake_raw: str = INTAKE_RAW
    dlq: str = DLQ

    @classmethod
    def named(cls, namespace: str = "") -> "Topics":
        if not namespace:
            return cls()
        return cls(*(f"{namespace}.{name}" for name in (ORDERS, ACTIVITY, INTAKE_RAW, DLQ)))

    def sentinel(self, service: str) -> str:
        """A topic of the service's own whose absence says the broker lost its memory."""
        return f"{self.orders[: -len(ORDERS)]}gridline.alive.{service}"

    def specs(self, partitions: int) -> list[TopicSpec]:
        # The DLQ is read by people, not at volume: one partition keeps it in arrival order.
        return [
            TopicSpec(self.orders, partitions),
            TopicSpec(self.activity, partitions),
            TopicSpec(self.intake_raw, partitions),
            TopicSpec(self.dlq, 1),
        ]


async def ensure_topics(
    bootstrap: str, specs: list[TopicSpec], replication: int = 1, wait_seconds: float = 30
) -> None:
    """Create the topics that are missing; waits for the broker to come up first."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type((KafkaConnectionError, OSError)),
        wait=wait_exponential(multiplier=0.1, max=2),
        stop=stop_after_delay(wait_seconds),
        reraise=True,
    ):
        with attempt:
            await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        if missing:
            # Another service may win the race to create them: that is what we wanted.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(
                            s.name, num_partitions=s.partitions, replication_factor=replication
                        )
                        for s in missing
                    ]
                )
    finally:
        await admin.close()
