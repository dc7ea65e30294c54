"""The router's configuration: its settings, its rule file (config/router.yaml: acknowledgement
limits, major events, triage, returns and extensions) as validated data, and the deps bundle
every handler receives (organisation, rules, calendar), loaded and checked once at start."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from services.router.domain.policy import RouterPolicy
from services.router.domain.roster import RosterBook
from shared.config import ConfigError, load_yaml
from shared.contracts import Priority, Source
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


class AckLimitSpec(_Model):
    priority: Priority | None = None
    source: Source | None = None
    category: str | None = None
    minutes: int = Field(ge=1)


class MajorEventsSpec(_Model):
    categories: tuple[str, ...] = ("WATER_QUALITY",)
    keywords: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ("critical",)
    area_wide_categories: tuple[str, ...] = ("OUTAGE",)
    area_wide_keywords: tuple[str, ...] = ()
    dispatch_department: str = "DISPATCH"


class RouterPolicyFile(_Model):
    """``config/router.yaml``: checked here, handed to the domain as its ``RouterPolicy``."""

    ack_limits: tuple[AckLimitSpec, ...] = Field(min_length=1)
    major_events: MajorEventsSpec = MajorEventsSpec()
    triage_department: str = "DISPATCH"
    returns_before_head: int = Field(1, ge=0)
    return_within_working_days: int = Field(2, ge=1)
    resolve_working_days: int = Field(5, ge=1)
    max_extension_working_days: int = Field(10, ge=1)

    @field_validator("ack_limits")
    @classmethod
    def _catch_all_last(cls, rules: tuple[AckLimitSpec, ...]) -> tuple[AckLimitSpec, ...]:
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

    def policy(self) -> RouterPolicy:
        """The checked file as the domain's plain values (pydantic builds the dataclasses)."""
        return _AS_POLICY.validate_python(self.model_dump())


_AS_POLICY: TypeAdapter[RouterPolicy] = TypeAdapter(RouterPolicy)


def load_policy(path: Path, org: Organisation | None = None) -> RouterPolicy:
    """The rule file; with ``org``, every department it names must be the organisation's."""
    checked = load_yaml(path, RouterPolicyFile)
    problems = checked.problems_with(org) if org is not None else []
    if problems:
        raise ConfigError("\n".join(f"{path}: field '{f}': {why}" for f, why in problems))
    return checked.policy()


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
    policy = load_policy(settings.config_dir / settings.rules_file, org)
    calendar = WorkCalendar.from_file(settings.config_dir / settings.calendar_file)
    return RouterDeps(org=org, policy=policy, calendar=calendar)
