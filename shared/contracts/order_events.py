"""The envelopes of ``gridline.orders``: one class per event type, and their union."""

from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, Field

from shared.contracts.base import SCHEMA_VERSION, Contract
from shared.contracts.followup_payloads import (
    CallbackRecordedPayload,
    OrderSupervisedPayload,
    OrderUrgedPayload,
    OrderWithdrawnPayload,
    PlatformDecidedPayload,
    ReturnRefusedPayload,
    ReturnRequestedPayload,
)
from shared.contracts.order_payloads import (
    AckOverduePayload,
    AnswerPromisedPayload,
    AppointmentMissedPayload,
    AppointmentSetPayload,
    ComplaintVerifiedPayload,
    DuplicateLinkedPayload,
    ExtensionGrantedPayload,
    ExtensionRefusedPayload,
    ExtensionRequestedPayload,
    MajorEventRaisedPayload,
    NotificationFailedPayload,
    OrderAcknowledgedPayload,
    OrderDispatchedPayload,
    OrderLinkedPayload,
    OrderReceivedPayload,
    OrderReopenedPayload,
    OrderResolvedPayload,
    OrderReturnedPayload,
    OrderSplitPayload,
    ProgressNotedPayload,
    ReplySentPayload,
    ResolveDeadlineSetPayload,
    SlaBreachedPayload,
    SlaWarningPayload,
)


class Envelope(Contract):
    event_id: UUID = Field(default_factory=uuid4)
    schema_version: int = SCHEMA_VERSION
    occurred_at: AwareDatetime
    producer: str = Field(examples=["intake", "router", "sla", "scoring", "notify"])
    causation_id: UUID | None = Field(None, description="event_id of the event that caused this")


class OrderEnvelope(Envelope):
    order_id: str


class OrderReceived(OrderEnvelope):
    type: Literal["OrderReceived"] = "OrderReceived"
    payload: OrderReceivedPayload


class DuplicateLinked(OrderEnvelope):
    type: Literal["DuplicateLinked"] = "DuplicateLinked"
    payload: DuplicateLinkedPayload


class OrderDispatched(OrderEnvelope):
    type: Literal["OrderDispatched"] = "OrderDispatched"
    payload: OrderDispatchedPayload


class OrderAcknowledged(OrderEnvelope):
    type: Literal["OrderAcknowledged"] = "OrderAcknowledged"
    payload: OrderAcknowledgedPayload


class AppointmentSet(OrderEnvelope):
    type: Literal["AppointmentSet"] = "AppointmentSet"
    payload: AppointmentSetPayload


class AnswerPromised(OrderEnvelope):
    type: Literal["AnswerPromised"] = "AnswerPromised"
    payload: AnswerPromisedPayload


class ProgressNoted(OrderEnvelope):
    type: Literal["ProgressNoted"] = "ProgressNoted"
    payload: ProgressNotedPayload


class OrderReturned(OrderEnvelope):
    type: Literal["OrderReturned"] = "OrderReturned"
    payload: OrderReturnedPayload


class ReturnRequested(OrderEnvelope):
    type: Literal["ReturnRequested"] = "ReturnRequested"
    payload: ReturnRequestedPayload


class ReturnRefused(OrderEnvelope):
    type: Literal["ReturnRefused"] = "ReturnRefused"
    payload: ReturnRefusedPayload


class ExtensionGranted(OrderEnvelope):
    type: Literal["ExtensionGranted"] = "ExtensionGranted"
    payload: ExtensionGrantedPayload


class ExtensionRequested(OrderEnvelope):
    type: Literal["ExtensionRequested"] = "ExtensionRequested"
    payload: ExtensionRequestedPayload


class ExtensionRefused(OrderEnvelope):
    type: Literal["ExtensionRefused"] = "ExtensionRefused"
    payload: ExtensionRefusedPayload


class OrderResolved(OrderEnvelope):
    type: Literal["OrderResolved"] = "OrderResolved"
    payload: OrderResolvedPayload


class ReplySent(OrderEnvelope):
    type: Literal["ReplySent"] = "ReplySent"
    payload: ReplySentPayload


class OrderReopened(OrderEnvelope):
    type: Literal["OrderReopened"] = "OrderReopened"
    payload: OrderReopenedPayload


class AckOverdue(OrderEnvelope):
    type: Literal["AckOverdue"] = "AckOverdue"
    payload: AckOverduePayload


class SlaWarning(OrderEnvelope):
    type: Literal["SlaWarning"] = "SlaWarning"
    payload: SlaWarningPayload


class SlaBreached(OrderEnvelope):
    type: Literal["SlaBreached"] = "SlaBreached"
    payload: SlaBreachedPayload


class ResolveDeadlineSet(OrderEnvelope):
    type: Literal["ResolveDeadlineSet"] = "ResolveDeadlineSet"
    payload: ResolveDeadlineSetPayload


class AppointmentMissed(OrderEnvelope):
    type: Literal["AppointmentMissed"] = "AppointmentMissed"
    payload: AppointmentMissedPayload


class MajorEventRaised(OrderEnvelope):
    type: Literal["MajorEventRaised"] = "MajorEventRaised"
    payload: MajorEventRaisedPayload


class ComplaintVerified(OrderEnvelope):
    type: Literal["ComplaintVerified"] = "ComplaintVerified"
    payload: ComplaintVerifiedPayload


class OrderLinked(OrderEnvelope):
    type: Literal["OrderLinked"] = "OrderLinked"
    payload: OrderLinkedPayload


class OrderSplit(OrderEnvelope):
    type: Literal["OrderSplit"] = "OrderSplit"
    payload: OrderSplitPayload


class NotificationFailed(OrderEnvelope):
    type: Literal["NotificationFailed"] = "NotificationFailed"
    payload: NotificationFailedPayload


class OrderUrged(OrderEnvelope):
    type: Literal["OrderUrged"] = "OrderUrged"
    payload: OrderUrgedPayload


class OrderSupervised(OrderEnvelope):
    type: Literal["OrderSupervised"] = "OrderSupervised"
    payload: OrderSupervisedPayload


class CallbackRecorded(OrderEnvelope):
    type: Literal["CallbackRecorded"] = "CallbackRecorded"
    payload: CallbackRecordedPayload


class OrderWithdrawn(OrderEnvelope):
    type: Literal["OrderWithdrawn"] = "OrderWithdrawn"
    payload: OrderWithdrawnPayload


class PlatformDecided(OrderEnvelope):
    type: Literal["PlatformDecided"] = "PlatformDecided"
    payload: PlatformDecidedPayload


OrderEvent = Annotated[
    OrderReceived
    | DuplicateLinked
    | OrderDispatched
    | OrderAcknowledged
    | AppointmentSet
    | AnswerPromised
    | ProgressNoted
    | OrderReturned
    | ReturnRequested
    | ReturnRefused
    | ExtensionGranted
    | ExtensionRequested
    | ExtensionRefused
    | OrderResolved
    | ReplySent
    | OrderReopened
    | AckOverdue
    | SlaWarning
    | SlaBreached
    | ResolveDeadlineSet
    | AppointmentMissed
    | MajorEventRaised
    | ComplaintVerified
    | OrderLinked
    | OrderSplit
    | NotificationFailed
    | OrderUrged
    | OrderSupervised
    | CallbackRecorded
    | OrderWithdrawn
    | PlatformDecided,
    Field(discriminator="type"),
]
ORDER_EVENT_TYPES: frozenset[str] = frozenset(
    m.model_fields["type"].default
    for m in OrderEnvelope.__subclasses__()
    if "type" in m.model_fields
)
