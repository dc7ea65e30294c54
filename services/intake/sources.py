"""The three intake sources' own formats (12345, 96568, the grid app's reports and activity),
accepted exactly as they arrive over HTTP or on ``gridline.intake.raw`` (see ``examples/``).

On the raw topic outside systems push ``{"source": …, "payload": {…}}`` envelopes; the payload is
validated exactly as over HTTP, and what cannot be read is a ``PoisonMessage`` that lands in
``gridline.dlq`` with the field and the reason."""

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from shared.contracts import PoisonMessage, brief_errors

PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$"
MAX_TEXT = 4000


def _plausible(when: datetime) -> datetime:
    # Beyond these years a time is a typo, and it would not survive the move to UTC.
    if not 2000 <= when.year <= 2100:
        raise ValueError("year must be between 2000 and 2100")
    return when


SourceTime = Annotated[datetime, AfterValidator(_plausible)]


def _storable(value: Any) -> Any:
    """Text a database can keep: no NUL characters, no lone UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("text is not valid Unicode") from exc
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    return value


class SourceModel(BaseModel):
    """Every source format: whatever passes validation can be stored as it is."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        return _storable(value)


class Order12345(SourceModel):
    """An order pushed by the 12345 city platform. Strict: an unknown field is an error, since
    it means the platform changed its format and someone must look."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    orderNo: str = Field(min_length=1, max_length=64, description="12345 工单编号")
    acceptTime: SourceTime = Field(description="受理时间 (Beijing time when naive)")
    callerName: str | None = Field(None, max_length=64)
    callerPhone: str = Field(pattern=PHONE, description="来电号码")
    address: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=100, examples=["城市管理-供水-漏水"])
    title: str = Field("", max_length=200)
    content: str = Field("", max_length=MAX_TEXT)
    urgency: Literal["一般", "紧急", "特急"] = "一般"
    deadline: SourceTime | None = Field(None, description="办理时限")
    confidential: bool = False
    needReply: bool = True


class Customer96568(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, max_length=64)
    phone: str = Field(pattern=PHONE, description="来电号码")


class StructuredAddress(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    district: str | None = Field(None, max_length=40)
    community: str | None = Field(None, max_length=100)
    building: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    text: str | None = Field(None, max_length=300, description="Free text, when not split")


class Call96568(SourceModel):
    """A call typed in by a 96568 operator. Strict like 12345: our own console sends it, so an
    unknown field is a bug to hear about, not to ignore."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ticket_id: str = Field(min_length=1, max_length=64, description="96568 工单号")
    received_at: SourceTime
    operator_id: str = Field(min_length=1, max_length=40)
    account_no: str | None = Field(None, pattern=r"^\d{4,20}$", description="户号")
    customer: Customer96568
    address: StructuredAddress
    type: str = Field(min_length=1, max_length=100, examples=["水压低"])
    description: str = Field("", max_length=MAX_TEXT)
    urgency: Literal["一般", "紧急", "特急"] = "一般"
    appointment: SourceTime | None = None
    named_worker_id: str | None = Field(
        None, max_length=40, description="The grid worker a complaint or praise is about"
    )


class GridLocation(SourceModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    community: str | None = Field(None, max_length=100)
    building: str | None = Field(None, max_length=20)
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class Household(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(None, pattern=PHONE)
    reason: str = Field(min_length=1, max_length=100, examples=["独居老人", "残疾"])


class GridReport(SourceModel):
    """A grid worker's report from the grid app. Unknown fields are ignored: field phones run
    older and newer app versions side by side, and a new field must not block a report."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    report_id: str = Field(min_length=1, max_length=100)
    worker_id: str = Field(min_length=1, max_length=40)
    grid_id: str | None = Field(None, max_length=40)
    kind: Literal["facility", "user_demand", "major_event", "vulnerable_household"]
    finding: str | None = Field(None, max_length=100, examples=["水表井盖损坏"])
    category: str | None = Field(None, max_length=100, description="For user demands")
    location: GridLocation = Field(default_factory=GridLocation)
    note: str = Field("", max_length=MAX_TEXT)
    caller_name: str | None = Field(None, max_length=64)
    caller_phone: str | None = Field(None, pattern=PHONE)
    household: Household | None = None
    urgency: Literal["一般", "紧急", "特急"] = "一般"
    photos: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=20, description="Photo references (URLs or file keys)"
    )
    reported_at: SourceTime


class GridActivity(SourceModel):
    """One consultation, message or visit (the scoring rankings count them, Art. 18)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    activity_id: str = Field(min_length=1, max_length=100)
    worker_id: str = Field(min_length=1, max_length=40)
    kind: Literal["consultation", "message", "visit"]
    channel: str = Field("", max_length=20, examples=["onsite", "phone", "wechat", "sms"])
    customer_signed: bool = False
    at: SourceTime
    note: str = Field("", max_length=MAX_TEXT)


RawSource = Literal["12345", "96568", "grid_report", "grid_activity"]


class RawEnvelope(SourceModel):
    """What an outside system puts on ``gridline.intake.raw``: the source, its payload as is."""

    model_config = ConfigDict(extra="forbid")

    source: RawSource
    payload: dict[str, object] | list[object]


_ACTIVITIES: TypeAdapter[list[GridActivity]] = TypeAdapter(list[GridActivity])
_FORMATS: dict[str, type[BaseModel]] = {
    "12345": Order12345,
    "96568": Call96568,
    "grid_report": GridReport,
    "grid_activity": GridActivity,
}


def parse_raw(raw: bytes) -> list[BaseModel]:
    """The typed items inside one raw message (a list payload is a batch)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"not JSON: {exc}") from exc
    try:
        envelope = RawEnvelope.model_validate(data)
    except ValidationError as exc:
        raise PoisonMessage(f"bad envelope: {brief_errors(exc)}") from exc
    model = _FORMATS[envelope.source]
    items = envelope.payload if isinstance(envelope.payload, list) else [envelope.payload]
    parsed: list[BaseModel] = []
    for index, item in enumerate(items):
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as exc:
            where = f"payload[{index}]" if isinstance(envelope.payload, list) else "payload"
            raise PoisonMessage(f"invalid {envelope.source} {where}: {brief_errors(exc)}") from exc
    return parsed
