"""A service's Kafka interface declared with FastStream, so that ``docs/asyncapi.json`` is
generated from what each service consumes and publishes (``gridline asyncapi``).

The brokers declared here are never connected: the services consume and relay on aiokafka
(docs/architecture.md says why). A subscriber is declared from the service's handler table, the
same table its consumer filters on, so the document lists exactly the event types it handles;
payloads are the contracts of ``shared.contracts`` (an outside input, its own model).
"""

import json
import operator
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import Any, Literal

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts import ActivityEnvelope, OrderEnvelope
from shared.topics import ACTIVITY, DLQ, ORDERS

# The bootstrap of `gridline up` (GRIDLINE_KAFKA_BOOTSTRAP elsewhere): one server for them all.
BOOTSTRAP = "127.0.0.1:19092"
GROUP_PREFIX = "gridline"


class DeadLetter(BaseModel):
    """What ``shared.messaging`` writes to ``gridline.dlq`` for a message that can never be
    processed (read back by ``gridline dlq``)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="为何无法处理（电话号码已遮蔽）", examples=["not JSON"])
    consumer: str = Field(examples=["dispatch"])
    group_id: str = Field(examples=["gridline.router"])
    source_topic: str = Field(examples=["gridline.orders"])
    partition: int
    offset: int
    key: str | None = None
    failed_at: AwareDatetime
    payload: str | None = Field(None, description="原消息（UTF-8，电话号码已遮蔽）")
    payload_base64: str | None = Field(None, description="非 UTF-8 的原消息，base64")


def topic_of(event_type: type[BaseModel]) -> str:
    """The topic an event type travels on (the outbox relay's choice)."""
    if issubclass(event_type, OrderEnvelope):
        return ORDERS
    if issubclass(event_type, ActivityEnvelope):
        return ACTIVITY
    raise TypeError(f"{event_type.__name__} is not an event of gridline.orders or .activity")


def _union(types: Iterable[type[BaseModel]]) -> Any:
    ordered = sorted(set(types), key=lambda t: t.__name__)
    if not ordered:
        raise ValueError("a declaration carries at least one message type")
    return reduce(operator.or_, ordered)


class Interface:
    """One service's declaration: ``consume`` per consumer, ``publish`` for what it writes."""

    def __init__(self, service: str, label: str) -> None:
        self.service = service
        self.label = label
        self.broker = KafkaBroker(BOOTSTRAP)
        self._dead_letters = False

    def consume(self, consumer: str, table: Mapping[type[Any], object]) -> None:
        """A consumer of ``gridline.orders`` or ``gridline.activity``: its handler table (the
        service's ``EVENTS``) names the types it handles; the others are skipped unread."""
        topics = {topic_of(t) for t in table}
        if len(topics) != 1:
            raise ValueError(f"{self.service}.{consumer}: one topic per consumer, not {topics}")
        self.consume_raw(
            topics.pop(),
            consumer,
            list(table),
            f"{self.label} 的消费者 {consumer}：只处理所列事件类型，其余类型按消息头跳过，不解码",
        )

    def consume_raw(
        self, topic: str, consumer: str, types: Iterable[type[BaseModel]], description: str
    ) -> None:
        group = f"{GROUP_PREFIX}.{self.service}.{consumer}"

        async def declared(message: Any) -> None:
            """Never run: the service's aiokafka consumer handles these messages."""

        declared.__annotations__ = {"message": _union(types), "return": None}
        self.broker.subscriber(
            topic,
            group_id=group,
            title=f"{self.service}.{consumer}",
            description=f"{description}（消费组 {group}）",
        )(declared)
        self._dead_letters = True

    def publish(self, *types: type[BaseModel]) -> None:
        """The event types the service writes, through its outbox, one publisher per topic."""
        by_topic: dict[str, list[type[BaseModel]]] = {}
        for event_type in types:
            by_topic.setdefault(topic_of(event_type), []).append(event_type)
        for topic, members in sorted(by_topic.items()):
            self._publisher(
                topic, members, f"{self.label} 经发件箱发布（消息头 gridline-type 为事件类型）"
            )

    def finish(self) -> KafkaBroker:
        """The broker, with the dead-letter publisher of a service that consumes."""
        if self._dead_letters:
            self._publisher(
                DLQ, [DeadLetter], f"{self.label} 把永远无法处理的消息连同原因与位置写入死信"
            )
        return self.broker

    def _publisher(self, topic: str, types: list[type[BaseModel]], description: str) -> None:
        self.broker.publisher(
            topic,
            title=f"{self.service}.sends.{topic}",
            schema=_union(types),
            description=description,
        )


def document(*brokers: KafkaBroker, description: str = "") -> dict[str, Any]:
    """The AsyncAPI 3.0 document FastStream generates from the declarations."""
    spec = AsyncAPI(
        *brokers,
        title="Gridline",
        version="1",
        description=description or None,
        schema_version="3.0.0",
    )
    generated: dict[str, Any] = json.loads(spec.to_specification().to_json())
    # FastStream keeps publishers unordered: sorted by name, the document is the same each run.
    for section in (generated, generated["components"]):
        for key in ("channels", "operations", "messages", "schemas"):
            if key in section:
                section[key] = dict(sorted(section[key].items()))
    return generated


def declared_types(
    doc: Mapping[str, Any], action: Literal["receive", "send"]
) -> dict[str, set[str]]:
    """What a document says is received or sent: topic -> message type names."""
    schemas = doc["components"]["schemas"]
    found: dict[str, set[str]] = {}
    for operation in doc["operations"].values():
        if operation["action"] != action:
            continue
        channel = doc["channels"][_last(operation["channel"])]
        names = found.setdefault(channel["address"], set())
        for message in channel["messages"].values():
            payload = doc["components"]["messages"][_last(message)]["payload"]
            schema = schemas[_last(payload)] if "$ref" in payload else payload
            members = schema.get("anyOf") or schema.get("oneOf") or [payload]
            names.update(_last(member) for member in members)
    return found


def _last(reference: Mapping[str, Any]) -> str:
    return str(reference["$ref"]).rsplit("/", 1)[1]
