"""The sources' own formats, accepted exactly as they arrive (see ``examples/``)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$"
MAX_TEXT = 4000


class Order12345(BaseModel):
    """An order pushed by the 12345 city platform. Strict: an unknown field is an error, since
    it means the platform changed its format and someone must look."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    orderNo: str = Field(min_length=1, max_length=64, description="12345 工单编号")
    acceptTime: datetime = Field(description="受理时间 (Beijing time when naive)")
    callerName: str | None = Field(None, max_length=64)
    callerPhone: str = Field(pattern=PHONE, description="来电号码")
    address: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=100, examples=["城市管理-供水-漏水"])
    title: str = Field("", max_length=200)
    content: str = Field("", max_length=MAX_TEXT)
    urgency: Literal["一般", "紧急", "特急"] = "一般"
    deadline: datetime | None = Field(None, description="办理时限")
    confidential: bool = False
    needReply: bool = True
