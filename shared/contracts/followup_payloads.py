"""The payloads of the 12345 platform's follow-ups on an order it sent us (issue 20): 催办,
督办, 回访, 撤单 and its answers to our 延期 and 退单 requests. A 重办 is ``OrderReopened``."""

from typing import Literal

from pydantic import AwareDatetime, Field

from shared.contracts.base import Contract
from shared.masking import MaskedText

Satisfaction = Literal["满意", "基本满意", "不满意"]


class OrderUrgedPayload(Contract):
    """催办: the caller rang 12345 again; the platform chases the order."""

    message_id: str = Field(description="The platform's id for the message")
    at: AwareDatetime = Field(description="The platform's time for the message")
    content: MaskedText = ""


class OrderSupervisedPayload(Contract):
    """督办: a formal supervision notice with its own answer deadline."""

    message_id: str
    at: AwareDatetime
    deadline: AwareDatetime = Field(description="督办's answer deadline")
    content: MaskedText = ""


class CallbackRecordedPayload(Contract):
    """回访: what the caller said when called back about a resolution."""

    message_id: str
    at: AwareDatetime
    satisfaction: Satisfaction
    solved: bool
    opinion: MaskedText = Field("", description="The caller's own words")
    round: int = Field(1, ge=1, description="The round of handling the caller judged")
    by: str = Field("12345", description="Who called back: the platform, or our operator")
    holder_id: str | None = Field(
        None,
        description="Who held the order in the round the caller judged: a 不满意 is offered to "
        "their head as a deduction candidate (Art. 18(一)3, 件件有回音)",
    )


class OrderWithdrawnPayload(Contract):
    """撤单: the platform withdrew the order: every clock stops, no reply, no score."""

    message_id: str
    at: AwareDatetime
    reason: MaskedText = ""


class PlatformDecidedPayload(Contract):
    """The platform's answer to our 延期 (extension) or 退单 (return) request."""

    message_id: str
    at: AwareDatetime
    request: Literal["extension", "return"]
    approved: bool
    reason: MaskedText = ""


class ReturnRequestedPayload(Contract):
    """退单 of a 12345 order, asked of the platform: the order stays with its holder and its
    clocks run until the platform decides (``PlatformDecided`` with ``request: return``)."""

    by: str
    department: str
    assignment_id: int | None = None
    reason: MaskedText


class ReturnRefusedPayload(Contract):
    """The platform refused our 退单: the order stays with its holder, its clocks going on."""

    refused_by: str
    department: str
    assignment_id: int | None = None
    reason: MaskedText = ""
    requested_by: str | None = None
