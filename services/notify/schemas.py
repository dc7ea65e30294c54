"""HTTP shapes: the local receiver's messages, an order's deliveries, Alertmanager's webhook
(whose labels and annotations are shown to every role as sent: masked as they are parsed)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.notify.store import DeliveryRow, LocalMessageRow
from shared.clock import to_local
from shared.fields import Text40, Text100, Text200, Text4000
from shared.masking import mask_phone

CHANNEL_LABELS = {
    "wecom_app": "企业微信应用消息",
    "wecom_robot": "企业微信群机器人",
    "sms": "短信",
    "webhook": "Webhook",
}
STATE_LABELS = {"pending": "待发送", "sending": "发送中", "sent": "已送达", "failed": "失败"}


class MessageView(BaseModel):
    id: int
    received_at: datetime = Field(description="Beijing time")
    channel: str
    channel_label: str
    person_id: str
    person_name: str
    target: str = Field(description="Masked where it is a phone number")
    notice: str
    order_id: str | None
    title: str
    text: str
    link: str

    @classmethod
    def of(cls, row: LocalMessageRow) -> "MessageView":
        return cls(
            id=row.id,
            received_at=to_local(row.received_at),
            channel=row.channel,
            channel_label=CHANNEL_LABELS.get(row.channel, row.channel),
            person_id=row.person_id,
            person_name=row.person_name,
            target=row.target,
            notice=row.notice,
            order_id=row.order_id,
            # Rows recorded before alerts were masked on the way in are masked on the way out.
            title=mask_phone(row.title),
            text=mask_phone(row.text),
            link=row.link,
        )


class MessagePage(BaseModel):
    items: list[MessageView]
    total: int


class DeliveryView(BaseModel):
    notice: str
    person_id: str
    person_name: str
    channel: str
    channel_label: str
    target: str
    state: str
    state_label: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, row: DeliveryRow) -> "DeliveryView":
        return cls(
            notice=row.notice,
            person_id=row.person_id,
            person_name=row.person_name,
            channel=row.channel,
            channel_label=CHANNEL_LABELS.get(row.channel, row.channel),
            target=mask_phone(row.target),
            state=row.state,
            state_label=STATE_LABELS.get(row.state, row.state),
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=to_local(row.created_at),
            sent_at=to_local(row.sent_at) if row.sent_at else None,
        )


class Alert(BaseModel):
    """One alert of Alertmanager's webhook body (version 4)."""

    model_config = ConfigDict(extra="ignore")

    status: str = Field(pattern="^(firing|resolved)$")
    # A label names the alert when it has no fingerprint, and the name is part of a delivery's
    # key (200 characters): 100 leaves room for the rest of it.
    labels: dict[Text100, Text100]
    annotations: dict[Text100, Text4000] = Field(default_factory=dict)
    startsAt: datetime
    fingerprint: Text100 = ""


class AlertmanagerWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: Text40 = "4"
    status: Text40 = ""
    receiver: Text200 = ""
    alerts: list[Alert] = Field(min_length=1)
    commonLabels: dict[Text100, Text100] = Field(default_factory=dict)


class AlertsAccepted(BaseModel):
    accepted: int
    messages: int


class LinkView(BaseModel):
    order_id: str
    person_id: str
    assignment_id: int | None
    acknowledge: str = Field(description="What the console calls after sign-in to sign for it")
