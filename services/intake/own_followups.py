"""What an operator sends and reads for our own follow-ups (``api/own_followups.py``): a 回访's
result, a 催办, and the list of orders to call back."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.fields import Text1000

Result = Literal["满意", "基本满意", "不满意", "联系不上"]


class OwnCallbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result: Result = Field(description="回访结果；联系不上 counts a try")
    opinion: Text1000 = Field("", description="The caller's own words")


class UrgeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: Text1000 = Field("", description="What the caller said when ringing again")


class OwnFollowupAccepted(BaseModel):
    order_id: str
    message_id: str
    events: list[str] = Field(examples=[["CallbackRecorded", "OrderReopened"]])
    closed: bool = Field(description="False while an unreached callback has tries left")
    tries: int = Field(description="Callbacks tried this round, this one included")


class CallbackDue(BaseModel):
    order_id: str
    source: str
    category: str
    round: int
    caller_name: str | None
    caller_phone: str | None = Field(description="Masked unless the reader holds the order")
    address: str
    content: str
    resolved_at: datetime
    due_at: datetime
    overdue: bool
    unreached: int = Field(description="Tries that did not reach the caller this round")


class CallbacksDue(BaseModel):
    since: datetime = Field(description="The start of the last working day (Beijing)")
    max_tries: int
    items: list[CallbackDue]
