"""The router's configuration: its settings, its rule file (config/router.yaml: acknowledgement
limits, major events, triage, returns and extensions) as validated data, and the deps bundle
every handler receives (organisation, rules, calendar), loaded and checked once at start."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.router.domain.roster import RosterBook
from shared.config import ConfigError, load_yaml
from shared.contracts import OrderReceivedPayload, Priority, Source
from shared.organisation import Organisation
from shared.settings import ServiceSettings
from shared.workdays import WorkCalendar


class RouterSettings(ServiceSettings):
    service_name: ClassVar[str] = "router"
    default_port: ClassVar[int] = 8102

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("router.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"), description="Relative to config_dir"
    )
    coverage_check_seconds: float = Field(
        60.0,
        gt=0,
        description="How often coverage readiness looks a week ahead (roster changes "
        "made over HTTP are seen at the next round)",
    )
    coverage_days: int = Field(7, ge=1, le=31, description="How far ahead coverage looks")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AckLimit(_Model):
    priority: Priority | None = None
    source: Source | None = None
    category: str | None = None
    minutes: int = Field(ge=1)

    def matches(self, order: OrderReceivedPayload) -> bool:
        return (
            (self.priority is None or self.priority == order.priority)
            and (self.source is None or self.source == order.source)
            and (self.category is None or self.category == order.category)
        )


class MajorEvents(_Model):
    categories: tuple[str, ...] = ("WATER_QUALITY",)
    keywords: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ("critical",)
    area_wide_categories: tuple[str, ...] = ("OUTAGE",)
    area_wide_keywords: tuple[str, ...] = ()
    dispatch_department: str = "DISPATCH"


class RouterPolicy(_Model):
    ack_limits: tuple[AckLimit, ...] = Field(min_length=1)
    major_events: MajorEvents = MajorEvents()
    triage_department: str = "DISPATCH"
    returns_before_head: int = Field(1, ge=0)
    return_within_working_days: int = Field(2, ge=1)
    resolve_working_days: int = Field(5, ge=1)
    max_extension_working_days: int = Field(10, ge=1)

    @field_validator("ack_limits")
    @classmethod
    def _catch_all_last(cls, rules: tuple[AckLimit, ...]) -> tuple[AckLimit, ...]:
        last = rules[-1] if rules else None
        if last is not None and (last.priority, last.source, last.category) != (None, None, None):
            raise ValueError("the last rule must be a catch-all that matches every order")
        return rules

    def problems_with(self, org: Organisation) -> list[tuple[str, str]]:
        """(field, reason) for each name this file uses that the organisation does not know."""
        departments = {d.code for d in org.departments}
        problems = []
        if self.triage_department not in departments:
            problems.append(("triage_department", f"unknown department {self.triage_department}"))
        dispatch = self.major_events.dispatch_department
        if dispatch not in departments:
            problems.append(("major_events.dispatch_department", f"unknown department {dispatch}"))
        return problems

    def ack_minutes(self, order: OrderReceivedPayload) -> int:
        return next(rule.minutes for rule in self.ack_limits if rule.matches(order))

    def ack_due(self, order: OrderReceivedPayload, now: datetime) -> datetime:
        return now + timedelta(minutes=self.ack_minutes(order))

    def is_major(self, order: OrderReceivedPayload) -> str | None:
        """Why the order is a major event (Art. 7), or None. The reason is bare (``主管道``):
        whoever shows it adds the 重大事项 label once."""
        rules = self.major_events
        if order.category in rules.categories:
            return order.category_label or order.category
        if order.priority in rules.priorities:
            return "特急"
        text = _callers_words(order)
        return next((k for k in rules.keywords if k in text), None)

    def is_area_wide(self, order: OrderReceivedPayload) -> bool:
        rules = self.major_events
        text = _callers_words(order)
        return order.category in rules.area_wide_categories and any(
            k in text for k in rules.area_wide_keywords
        )


def _callers_words(order: OrderReceivedPayload) -> str:
    """Only a caller's words are searched for keywords. Staff write grid reports and planned
    outages (更换主管道阀门 is work, not a burst): their major events come from explicit flags
    (a major-event report is critical; intake raises its own), never from the words."""
    return "" if order.source == "grid_report" else f"{order.title} {order.content}"


@dataclass(frozen=True)
class RouterDeps:
    org: Organisation
    policy: RouterPolicy
    calendar: WorkCalendar
    # The roster (file + changes made over HTTP) for the changes last read: see RosterBook.
    rosters: RosterBook = field(default_factory=RosterBook, compare=False, repr=False)


def load_deps(settings: RouterSettings) -> RouterDeps:
    """The organisation, the rules and the calendar; a bad file stops the router here."""
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    policy_path = settings.config_dir / settings.rules_file
    policy = load_yaml(policy_path, RouterPolicy)
    problems = policy.problems_with(org)
    if problems:
        raise ConfigError("\n".join(f"{policy_path}: field '{f}': {why}" for f, why in problems))
    calendar = WorkCalendar.from_file(settings.config_dir / settings.calendar_file)
    return RouterDeps(org=org, policy=policy, calendar=calendar)
