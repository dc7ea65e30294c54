"""Intake's tunable rules (``config/intake.yaml``): clustering windows, thresholds, care."""

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts import Priority


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClusteringRules(_Model):
    same_caller_hours: float = Field(
        24, gt=0, description="The same caller about the same category within this is one incident"
    )
    area_minutes: float = Field(
        30, gt=0, description="Orders of one area group in one community this close are clustered"
    )
    area_groups: dict[str, tuple[str, ...]] = Field(
        description="Categories that describe one failure in one place (a burst main is reported "
        "as a leak, an outage and low pressure at once)"
    )
    major_event_members: int = Field(
        10, ge=2, description="An incident with this many orders raises MajorEventRaised (Art. 7)"
    )

    @model_validator(mode="after")
    def _no_category_in_two_groups(self) -> Self:
        seen: dict[str, str] = {}
        for group, codes in self.area_groups.items():
            for code in codes:
                if code in seen:
                    raise ValueError(f"category {code} is in area groups {seen[code]} and {group}")
                seen[code] = group
        return self

    def group_of(self, category: str) -> str | None:
        return next((g for g, codes in self.area_groups.items() if category in codes), None)


class CareRules(_Model):
    raise_steps: int = Field(
        1, ge=0, le=2, description="Priority steps a registered household gains"
    )
    floor: Priority = Field("urgent", description="A special-care order is at least this urgent")


class ReplyRules(_Model):
    quick_attempts: int = Field(3, ge=1, description="Tries in one round before backing off")
    quick_wait_seconds: float = Field(0.2, gt=0, description="First wait between quick tries")
    backoff_seconds: float = Field(30, gt=0, description="First durable backoff after a round")
    max_backoff_seconds: float = Field(1800, gt=0, description="Longest durable backoff")


class IntakeRules(_Model):
    clustering: ClusteringRules
    care: CareRules = Field(default_factory=CareRules)
    replies: ReplyRules = Field(default_factory=ReplyRules)
    major_event_department: str = Field(
        "DISPATCH", description="Told of every major event, with the owning department (Art. 7)"
    )
