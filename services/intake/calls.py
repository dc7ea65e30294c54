"""Zammad's generic CTI events, exactly as a PBX connector posts them to Zammad's
``/api/v1/cti/:token`` (``newCall``, ``answer``, ``hangup``; form-encoded or JSON), so a connector
built for Zammad posts to ``POST /v1/calls/events`` unchanged; and the HTTP models of the call log
and of the 回拨 tasks.

Lenient where Zammad is: fields it does not know are ignored (connectors add their own), ``user``
is one name or several (``user[]`` in a form). Strict where a mistake would lose a call: the event,
the direction, the call id and the hangup cause are checked.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.fields import Text60, Text200

CtiEventName = Literal["newCall", "answer", "hangup"]
HangupCause = Literal[
    "normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded"
]
CallbackState = Literal["open", "reached", "unreachable", "answered"]
# A number as PBXs write it (493055571600, +86 139 0635 1234, 0635-8212345) or "anonymous".
# A number as a PBX writes it: E.164 is 15 digits at most, formatting included 32 characters (the
# longest the call log keeps; 39 digits were a 500 on PostgreSQL).
NUMBER_PATTERN = r"^(anonymous|unknown|\+?[0-9][0-9 \-()]{0,30})$"


def _names(value: Any) -> Any:
    """``user`` is one name in Zammad's JSON examples and ``user[]`` (repeated) in its forms."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class CtiEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)

    event: CtiEventName
    from_number: str = Field(alias="from", max_length=32, pattern=NUMBER_PATTERN)
    to_number: str = Field(alias="to", max_length=32, pattern=NUMBER_PATTERN)
    direction: Literal["in", "out"]
    call_id: str = Field(alias="callId", min_length=1, max_length=250)
    user: Annotated[list[Text60], BeforeValidator(_names), Field(max_length=20)] = []
    queue: Text60 | None = None
    cause: HangupCause | None = None
    answering_number: Text60 | None = Field(None, alias="answeringNumber")


class CallAccepted(BaseModel):
    call_id: str
    status: Literal["recorded", "already_received"]
    missed: bool = False
    callback_id: int | None = Field(
        None, description="The 回拨 task a missed call opened or joined"
    )


class CallView(BaseModel):
    call_id: str
    direction: str
    direction_label: str
    phone: str | None = Field(description="The outside party, masked")
    from_number: str
    to_number: str
    queue: str | None
    users: list[str]
    rang_at: str | None
    answered_at: str | None
    answered_by: str | None
    ended_at: str | None
    cause: str | None
    cause_label: str | None
    missed: bool


class CallLog(BaseModel):
    items: list[CallView]


class CallbackTry(BaseModel):
    at: str
    by: str
    reached: bool
    note: str = ""


class CallbackView(BaseModel):
    callback_id: int
    phone: str = Field(description="The caller, masked")
    call_id: str
    missed_calls: int
    missed_at: str
    due_at: str
    overdue: bool
    state: CallbackState
    state_label: str
    tries: list[CallbackTry]
    closed_at: str | None
    closed_by: str | None


class Callbacks(BaseModel):
    items: list[CallbackView]


class CallbackAttempt(BaseModel):
    """A callback an operator made: whether it reached the caller, and what was said."""

    model_config = ConfigDict(extra="forbid")

    reached: bool
    note: Text200 = ""


class CallerOnLine(BaseModel):
    """The caller of one call as the operator on the line reads it for the pop-up: the number in
    full (they hear it and type it into the order), and whether the care register knows it."""

    call_id: str
    direction: str
    phone: str | None = Field(description="The outside party in full; null when withheld")
    care: bool = Field(description="On the care register (Art. 4(六), 16) by this number")
    rang_at: str | None
    answered_by: str | None
