"""The 12345 platform's follow-ups on an order it sent us, exactly as it pushes them to
``POST /v1/orders/12345/{orderNo}/followups`` (see ``examples/followups/``): 催办, 督办, 回访,
重办, 撤单 and its answers to our 延期 and 退单 requests. Strict like ``Order12345``: an unknown
field means the platform changed its format and someone must look. Times are Beijing time
when naive, as the platform writes them."""

from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field, TypeAdapter

from services.intake.domain.followups import Followup
from services.intake.sources import SourceModel, SourceTime
from shared.contracts import Satisfaction
from shared.fields import Text200, Text1000

FollowupKind = Literal[
    "urge", "supervise", "callback", "redo", "withdraw", "extension_decision", "return_decision"
]
KINDS: tuple[str, ...] = get_args(FollowupKind)


class _Followup(SourceModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message_id: str = Field(min_length=1, max_length=64, description="The platform's message id")
    at: SourceTime = Field(description="The platform's time for the message (Beijing time)")


class Urge(_Followup):
    """催办: the caller rang 12345 again."""

    kind: Literal["urge"]
    content: Text1000 = ""


class Supervise(_Followup):
    """督办: a formal supervision notice, answered by its own deadline."""

    kind: Literal["supervise"]
    deadline: SourceTime = Field(description="督办答复时限")
    content: Text1000 = ""


class Callback(_Followup):
    """回访: the platform called the caller back after our reply."""

    kind: Literal["callback"]
    satisfaction: Satisfaction
    solved: bool
    opinion: Text1000 = ""


class Redo(_Followup):
    """重办: the platform sends a resolved order back, with a new 办理时限."""

    kind: Literal["redo"]
    deadline: SourceTime = Field(description="重办的办理时限")
    reason: Text1000 = ""


class Withdraw(_Followup):
    """撤单: the order is withdrawn (the caller withdrew, or it was not ours)."""

    kind: Literal["withdraw"]
    reason: Text1000 = ""


class ExtensionDecision(_Followup):
    """The platform's answer to our 延期 request."""

    kind: Literal["extension_decision"]
    approved: bool
    reason: Text200 = ""


class ReturnDecision(_Followup):
    """The platform's answer to our 退单 request."""

    kind: Literal["return_decision"]
    approved: bool
    reason: Text200 = ""


Followup12345 = Annotated[
    Urge | Supervise | Callback | Redo | Withdraw | ExtensionDecision | ReturnDecision,
    Field(discriminator="kind"),
]
FOLLOWUP = TypeAdapter(Followup12345)


def parsed(message: Followup12345) -> Followup:
    """The message as the domain reads it: its kind, times and the one text it carries."""
    match message:
        case Urge() | Supervise():
            text = message.content
        case Callback():
            text = message.opinion
        case _:
            text = message.reason
    return Followup(
        kind=message.kind,
        message_id=message.message_id,
        at=message.at,
        text=text,
        deadline=message.deadline if isinstance(message, Supervise | Redo) else None,
        satisfaction=message.satisfaction if isinstance(message, Callback) else None,
        solved=isinstance(message, Callback) and message.solved,
        approved=isinstance(message, ExtensionDecision | ReturnDecision) and message.approved,
    )
