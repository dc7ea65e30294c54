"""Intake's configuration: its settings (env ``GRIDLINE_*``), its rule file
(``config/intake.yaml``: clustering windows, thresholds, care, reply retries) and the deps bundle
every handler receives (organisation, taxonomy, rules), loaded once at start."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.intake.domain.replies import Backoff
from services.intake.domain.taxonomy import UNCLASSIFIED, Taxonomy
from shared.config import load_yaml
from shared.contracts import Priority
from shared.organisation import Organisation
from shared.settings import ServiceSettings
from shared.workdays import WorkCalendar


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8101

    taxonomy_file: Path = Field(Path("taxonomy.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("intake.yaml"), description="Relative to config_dir")
    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    calls_file: Path = Field(Path("calls.yaml"), description="Relative to config_dir")
    callbacks_file: Path = Field(Path("callbacks.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"), description="Relative to config_dir"
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest accepted request body")
    max_batch: int = Field(200, ge=1, description="Most items in one batch request")
    reply_12345_url: str = Field(
        "", description="Where 12345 replies are POSTed; empty: a file under var_dir/replies"
    )
    reply_callback_url: str = Field(
        "", description="The SMS/callback gateway for 96568 callers; empty: a file under var_dir"
    )
    reply_timeout_seconds: float = Field(10, gt=0)
    reply_poll_seconds: float = Field(1.0, gt=0, description="How often the reply queue is read")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaxonomyFile(_Model):
    """``config/taxonomy.yaml``: checked here, handed to the domain as its plain ``Taxonomy``."""

    categories: dict[str, str]
    aliases: dict[str, list[str]]
    keywords: dict[str, list[str]]

    @model_validator(mode="after")
    def _known_codes(self) -> Self:
        if UNCLASSIFIED not in self.categories:
            raise ValueError(f"categories must include {UNCLASSIFIED}")
        unknown = (set(self.aliases) | set(self.keywords)) - set(self.categories)
        if unknown:
            raise ValueError(f"aliases/keywords name unknown categories: {sorted(unknown)}")
        return self


def load_taxonomy(path: Path) -> Taxonomy:
    checked = load_yaml(path, TaxonomyFile)
    return Taxonomy(checked.categories, checked.aliases, checked.keywords)


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
    incident_texts: dict[str, str] = Field(
        default_factory=dict,
        description="By category: the reply to a caller resolved with an incident of another kind",
    )
    incident_default: str = Field(
        "您反映的问题已随附近供水事件一并处理完毕，如仍有问题请再次来电，感谢来电。",
        min_length=1,
        description="The reply for a category without its own text: it names no single fault",
    )

    @property
    def backoff(self) -> Backoff:
        return Backoff(self.quick_attempts, self.backoff_seconds, self.max_backoff_seconds)


class IntakeRules(_Model):
    clustering: ClusteringRules
    care: CareRules = Field(default_factory=CareRules)
    replies: ReplyRules = Field(default_factory=ReplyRules)
    major_event_department: str = Field(
        "DISPATCH", description="Told of every major event, with the owning department (Art. 7)"
    )


class CallbackRules(_Model):
    within_working_minutes: int = Field(30, ge=1, le=24 * 60, description="回拨时限（工作分钟）")
    working_hours_start: time = Field(time(8, 0), description="Beijing time")
    working_hours_end: time = Field(time(20, 0), description="Beijing time")
    max_tries: int = Field(3, ge=1, le=10, description="Tries before it closes as 联系不上")

    @model_validator(mode="after")
    def _hours_in_order(self) -> Self:
        if self.working_hours_start >= self.working_hours_end:
            raise ValueError("working_hours_start must be before working_hours_end")
        return self


class CallRules(_Model):
    """``config/calls.yaml``: what a missed call owes (the CTI events are ``calls.py``)."""

    callbacks: CallbackRules = Field(default_factory=CallbackRules)


OWN_SOURCES = ("96568", "grid_report")


class OwnCallbackRules(_Model):
    """Our own 回访 of the orders we answer ourselves (not the platform's 12345 orders)."""

    sources: tuple[str, ...] = Field(OWN_SOURCES, description="Whose orders we call back")
    skip_categories: tuple[str, ...] = Field((), description="Categories never called back")
    due_hours: int = Field(24, ge=1, le=24 * 14, description="回访时限：办结后多少小时")
    max_tries: int = Field(3, ge=1, le=10, description="Tries before it ends as 联系不上")

    @model_validator(mode="after")
    def _our_own_sources(self) -> Self:
        if not set(self.sources) <= set(OWN_SOURCES):
            raise ValueError(f"sources must be among {OWN_SOURCES}: 12345's are the platform's")
        return self


class CallbackFile(_Model):
    """``config/callbacks.yaml``."""

    own_callbacks: OwnCallbackRules = Field(default_factory=OwnCallbackRules)


def random_tail(nbytes: int) -> str:
    """The random tail of a new order, incident or outage id (upper-case hex): drawn here, at
    the edge, so that the domain decides nothing by chance and a test can fix the ids."""
    return secrets.token_hex(nbytes).upper()


@dataclass(frozen=True)
class IntakeDeps:
    """What every intake handler is given besides its message and unit of work."""

    org: Organisation
    taxonomy: Taxonomy
    rules: IntakeRules
    calls: CallRules = field(default_factory=CallRules)
    callbacks: OwnCallbackRules = field(default_factory=OwnCallbackRules)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    tail: Callable[[int], str] = random_tail


def load_deps(settings: IntakeSettings) -> IntakeDeps:
    """The organisation, taxonomy and rule files under ``config_dir``, validated at start."""
    config = settings.config_dir
    return IntakeDeps(
        org=load_yaml(config / settings.org_file, Organisation),
        taxonomy=load_taxonomy(config / settings.taxonomy_file),
        rules=load_yaml(config / settings.rules_file, IntakeRules),
        calls=load_yaml(config / settings.calls_file, CallRules),
        callbacks=load_yaml(config / settings.callbacks_file, CallbackFile).own_callbacks,
        calendar=WorkCalendar.from_file(config / settings.calendar_file),
    )
