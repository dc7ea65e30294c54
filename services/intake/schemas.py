"""What intake's HTTP requests and answers look like (request bodies of the sources are in
``sources``)."""

from typing import Annotated, Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.intake.sources import PHONE, SourceModel
from shared.fields import Text100, Text200, Text1000
from shared.masking import StaffText


class OrderAccepted(BaseModel):
    order_id: str = Field(examples=["GL-20261127-7F3K9Q01"])
    created: bool = Field(description="False when the same source number was already received")
    category: str
    incident_id: str | None = None


class ItemAccepted(BaseModel):
    index: int
    status: str = Field(examples=["created", "duplicate", "registered", "recorded"])
    order_id: str | None = None
    category: str | None = None
    incident_id: str | None = None
    register_id: int | None = None
    activity_id: str | None = None


class BatchAccepted(BaseModel):
    created: int
    items: list[ItemAccepted]


class TimelineEntry(BaseModel):
    event_id: str
    type: str
    occurred_at: str
    producer: str
    summary: str
    payload: dict[str, Any]


class ReplyView(BaseModel):
    channel: str
    state: str = Field(examples=["pending", "sent", "cancelled"])
    attempts: int
    sent_at: str | None
    last_error: str | None


class OrderView(BaseModel):
    order_id: str
    source: str
    source_ref: str
    category: str
    priority: str
    state: str
    caller_name: str | None
    caller_phone: str | None
    received_at: str
    grid: str | None = None
    grid_matched: bool | None = Field(None, description="False: the address matches no grid")
    special_care: bool = False
    incident_id: str | None = None
    handling_department: str | None = None
    holder_id: str | None = Field(
        None, description="Who holds it now (the last dispatch): the desk can name them to a caller"
    )
    replies: list[ReplyView] = Field(default_factory=list)
    timeline: list[TimelineEntry]


class IncidentMember(BaseModel):
    order_id: str
    source: str
    category: str
    received_at: str
    caller_phone: str | None


class IncidentView(BaseModel):
    incident_id: str
    rule: str
    primary_order_id: str
    category: str
    members: int
    major_event: bool
    orders: list[IncidentMember]


class PendingReply(BaseModel):
    order_id: str
    channel: str
    attempts: int
    last_error: str | None
    created_at: str
    next_attempt_at: str
    platform_deadline: str | None


class PendingReplies(BaseModel):
    pending: int
    items: list[PendingReply]


class PageMember(BaseModel):
    order_id: str
    source: str
    state: str
    split: bool
    caller_phone: str | None
    reply: str = Field(examples=["not_needed", "owed", "queued", "sent", "cancelled"])
    platform_deadline: str | None
    category: str = Field("", description="The caller's own call, which their reply speaks to")
    category_label: str = Field("", examples=["水压低"])
    reply_text: str | None = Field(None, description="What the queued or sent reply says")


class PageClock(BaseModel):
    kind: str = Field(examples=["acknowledge", "card", "reply"])
    order_id: str
    due: str | None
    note: str


class PageEntry(BaseModel):
    order_id: str
    occurred_at: str
    type: str
    summary: str


class IncidentPage(BaseModel):
    incident_id: str
    primary_order_id: str
    category: str
    state: str
    members: int
    callers: int
    by_channel: dict[str, int]
    by_channel_label: dict[str, int]
    owed_replies: list[PageMember]
    clocks: list[PageClock]
    timeline: list[PageEntry]
    orders: list[PageMember]


class FoundOrder(BaseModel):
    order_id: str
    source: str
    source_ref: str
    category: str
    category_label: str
    state: str
    open: bool
    received_at: str
    caller_name: str | None
    caller_phone: str | None
    address: str
    community: str | None
    building: str | None
    grid: str | None
    handling_department: str | None
    matched_by: list[str]
    holder_id: str | None = Field(None, description="Who holds the order now (person id)")
    account_no: str | None = Field(None, description="户号, when the caller gave it")
    special_care: bool = Field(False, description="A care-register household (Art. 4(六), 16)")


class FoundOrders(BaseModel):
    items: list[FoundOrder]


class PlannedOutageIn(BaseModel):
    communities: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=20, examples=[["水城花园"]]
    )
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: StaffText = Field(min_length=1, max_length=500, examples=["DN300主管更换"])


class PlannedOutageOut(BaseModel):
    outage_id: str
    incident_id: str
    primary_order_id: str
    communities: list[str]
    starts_at: str
    ends_at: str
    reason: str
    opened_by: str


class CareEntryIn(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(None, pattern=PHONE)
    community: str | None = Field(None, max_length=100, examples=["水城花园"])
    building: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    reason: Text100 = Field(min_length=1, examples=["独居老人", "残疾人"])
    note: Text1000 = ""
    grid: str | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _findable(self) -> Self:
        if not self.phone and not (self.community and self.building):
            raise ValueError("give a phone, or a community and building, to recognise orders by")
        return self


class Retirement(SourceModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text200 = Field(min_length=1, examples=["已搬离", "已故"])


class CareEntryView(BaseModel):
    id: int
    name: str
    phone: str | None
    community: str | None
    building: str | None
    unit: str | None
    room: str | None
    reason: str
    note: str
    grid: str | None
    added_by: str
    added_at: str
    updated_at: str | None
    retired_at: str | None
    retired_reason: str | None


class CareList(BaseModel):
    items: list[CareEntryView]


class FollowupAccepted(BaseModel):
    message_id: str
    status: str = Field(examples=["recorded", "already_received"])
    order_id: str
    events: list[str] = Field(
        description="The order events the message became (none when already received)",
        examples=[["CallbackRecorded", "OrderReopened"]],
    )


class UnmatchedFollowup(BaseModel):
    message_id: str
    order_no: str
    kind: str
    at: str = Field(description="The platform's time, Beijing")
    received_at: str
    body: dict[str, Any]


class UnmatchedFollowups(BaseModel):
    items: list[UnmatchedFollowup]


class OrderCount(BaseModel):
    category: str
    community: str = Field(description="The community's key (name without 小区/花园…); '' unknown")
    grid: str = Field(description="The grid the address mapped to; '' unmatched")
    count: int


class MonthOrders(BaseModel):
    month: str = Field(examples=["2026-11"])
    total: int
    counts: list[OrderCount]


class OrderCounts(BaseModel):
    """月报: orders received per month (Beijing), newest month first."""

    department: str | None = Field(description="The handling department counted; null = all")
    months: list[MonthOrders]
