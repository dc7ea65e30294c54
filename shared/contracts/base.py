"""What every contract is built from: the frozen model, the shared literals, the address, a
duty day."""

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.masking import MaskedText

SCHEMA_VERSION = 1

Source = Literal["12345", "96568", "grid_report"]
Priority = Literal["normal", "urgent", "critical"]
ChainPosition = Literal["A", "B", "TEAM_DUTY", "DEPT_DUTY", "HEAD", "TRIAGE"]
DeadlineKind = Literal[
    "acknowledge", "arrive", "resolve", "reply", "appointment", "promise", "supervise"
]


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Contract):
    text: MaskedText = Field(
        "",
        description="The address as the source gave it",
        examples=["聊城市东昌府区柳园街道水城花园3号楼2单元"],
    )
    district: MaskedText | None = Field(None, examples=["东昌府区"])
    community: MaskedText | None = Field(
        None, description="小区 / 社区 name", examples=["水城花园"]
    )
    building: MaskedText | None = Field(None, examples=["3"])
    unit: MaskedText | None = Field(None, examples=["2"])
    room: MaskedText | None = None


class DutyDay(Contract):
    """Who the router has on a team's duty for one duty day (from one handover to the next), as
    its roster stands (the file plus rotations, swaps and leave edited over HTTP)."""

    duty_date: date
    starts: AwareDatetime
    ends: AwareDatetime
    person_id: str | None = Field(
        description="None: nobody to wake (no rotation, or the person on duty is on leave)"
    )
