"""The SLA service's settings, its policy file (``sla_policies.yaml``: the rules' file model and
its loading; how the rules layer is in ``domain.limits``), the organisation's department names
the dashboard shows, and the deps bundle the handlers receive."""

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.sla import domain
from services.sla.domain.limits import (
    UNSET,
    Limits,
    Rule,
    Setting,
    layered,
    limit_or_none,
    limits_for,
)
from shared.config import load_yaml
from shared.settings import ServiceSettings
from shared.workdays import WorkCalendar


class SlaSettings(ServiceSettings):
    service_name: ClassVar[str] = "sla"
    default_port: ClassVar[int] = 8103

    console_url: str = Field(
        "", description="The web console's address: the dashboard links each order to its page"
    )
    poll_seconds: float = Field(1.0, gt=0, description="How often due deadlines are looked for")
    poll_batch: int = Field(500, ge=1, description="Deadlines fired per transaction")
    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("sla_policies.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"), description="Relative to config_dir"
    )
    gauges_seconds: float = Field(
        15.0, gt=0, description="How often the gauges on /metrics are recounted"
    )
    dashboard_refresh_seconds: int = Field(
        15, ge=2, description="How often the operations-room page fetches new numbers"
    )


class RuleSpec(BaseModel):
    """One rule as the file writes it; checked here, handed to the domain as its ``Rule``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = ""
    sources: tuple[str, ...] = Field((), description="Empty = every source")
    categories: tuple[str, ...] = Field((), description="Empty = every category")
    priorities: tuple[str, ...] = Field((), description="Empty = every priority")
    # Absent = this rule leaves the limit alone; null = no such limit.
    acknowledge: Setting = UNSET
    arrive: Setting = UNSET
    resolve: Setting = UNSET
    reply: Setting = UNSET

    @field_validator("acknowledge", "arrive", "resolve", "reply", mode="before")
    @classmethod
    def _parse_limit(cls, value: object) -> object:
        return value if value == UNSET else limit_or_none(value)

    @field_validator("sources", "categories", "priorities", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    def rule(self) -> Rule:
        return Rule(**dict(self))


class PolicyFile(BaseModel):
    """``sla_policies.yaml``: the yellow-card rule and the layered limit rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    warning_share: float = Field(
        0.8, gt=0, lt=1, description="Yellow card once this share of a limit has passed"
    )
    warn_working_days_before: int = Field(
        1, ge=0, description="Yellow card this many working days before a working-day deadline"
    )
    rules: tuple[RuleSpec, ...]

    @model_validator(mode="after")
    def _has_a_default(self) -> "PolicyFile":
        if not any(r.rule().specificity == 0 for r in self.rules):
            raise ValueError("one rule must match every order (no sources/categories/priorities)")
        return self


class Policies:
    """A loaded policy file, its rules layered once."""

    def __init__(self, spec: PolicyFile) -> None:
        self.spec = spec
        self._rules = tuple(r.rule() for r in spec.rules)
        self._layers = layered(self._rules)

    @classmethod
    def from_file(cls, path: Path) -> "Policies":
        return cls(load_yaml(path, PolicyFile))

    @property
    def warning_share(self) -> float:
        return self.spec.warning_share

    def limits_for(self, source: str, category: str, priority: str) -> Limits:
        return limits_for(self._layers, self._rules, source, category, priority)


class _Department(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str
    name: str


class _DepartmentNames(BaseModel):
    """Only the department names from the organisation file: the page shows them."""

    model_config = ConfigDict(extra="ignore")
    departments: tuple[_Department, ...] = ()


def department_names(settings: SlaSettings) -> dict[str, str]:
    """Code → name of every department in the organisation file ``org_file`` names."""
    org = load_yaml(settings.config_dir / settings.org_file, _DepartmentNames)
    return {d.code: d.name for d in org.departments}


@dataclass(frozen=True)
class SlaDeps:
    """What the handlers need beyond the unit of work: the limits and the working calendar."""

    policies: Policies
    calendar: WorkCalendar

    @property
    def warning(self) -> domain.Warning:
        spec = self.policies.spec
        return domain.Warning(spec.warning_share, spec.warn_working_days_before)


def load_deps(settings: SlaSettings) -> SlaDeps:
    return SlaDeps(
        Policies.from_file(settings.config_dir / settings.rules_file),
        WorkCalendar.from_file(settings.config_dir / settings.calendar_file),
    )
