"""Outreach's settings, its notice-template file, and its deps bundle.

Templates are the department's fixed texts (Art. 9-10): Chinese text with named placeholders,
checked at start so that a misspelt placeholder stops the service naming file and field rather
than reaching a WeChat group as ``{comunity}``.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import ClassVar, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.config import load_checked_yaml, load_yaml
from shared.organisation import Organisation
from shared.settings import ServiceSettings
from shared.workdays import WorkCalendar

PLACEHOLDERS = frozenset({"community", "start", "end", "reason", "hotline", "department"})
Kind = Literal[
    "maintenance_outage", "arrears_outage", "restoration", "holiday", "major_event", "knowledge"
]
KIND_LABELS: dict[str, str] = {
    "maintenance_outage": "维修停水",
    "arrears_outage": "欠费停水",
    "restoration": "复水",
    "holiday": "节假日通知",
    "major_event": "重大事项",
    "knowledge": "用水知识",
}


class OutreachSettings(ServiceSettings):
    service_name: ClassVar[str] = "outreach"
    default_port: ClassVar[int] = 8106

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(Path("notice_templates.yaml"), description="Relative to config_dir")
    calendar_file: Path = Field(
        Path("calendar_overrides.yaml"),
        description="Relative to config_dir: which days a day shift works (a task's clock)",
    )
    sweep_seconds: float = Field(30.0, gt=0, description="How often overdue tasks are looked for")
    group_check_seconds: float = Field(
        3600.0, gt=0, description="How often the WeChat group register is checked for gaps"
    )
    trainings_per_year: int = Field(4, ge=1, description="Art. 6: at least four a year")
    clock_start: AwareDatetime | None = Field(None, description="Demos and tests only")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoticeTemplate(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    department: str
    kind: Kind
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    post_within_hours: float = Field(
        2.0, gt=0, description="Deadline for the workers: this long after the notice starts"
    )
    opens_incident: bool = Field(
        False, description="A planned outage: intake groups calls in the window into one incident"
    )
    notice_lead_hours: float | None = Field(
        None,
        gt=0,
        description="A planned outage must be announced this long before it starts (None: no "
        "lead time); closer is refused unless a head confirms it as 紧急停水",
    )

    @field_validator("text")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        try:
            names = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise ValueError(f"不是合法的模板：{exc}") from exc
        unknown = sorted(n for n in names if n not in PLACEHOLDERS)
        if unknown:
            allowed = "、".join(sorted(PLACEHOLDERS))
            raise ValueError(f"未知占位符 {', '.join(unknown)}（可用：{allowed}）")
        return text


class NoticeTemplates(_Model):
    hotline: str = Field("96568", description="The service hotline filled into {hotline}")
    lead_grace_minutes: float = Field(
        10.0,
        ge=0,
        description="Minutes a notice may fall short of its lead time (filling in the form)",
    )
    templates: tuple[NoticeTemplate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        twice = [c for c, n in Counter(t.code for t in self.templates).items() if n > 1]
        if twice:
            raise ValueError(f"template code {', '.join(twice)} appears more than once")
        return self

    def get(self, code: str) -> NoticeTemplate | None:
        return next((t for t in self.templates if t.code == code), None)

    def problems_with(self, org: Organisation) -> list[tuple[str, str]]:
        known = {d.code for d in org.departments}
        return [
            (f"templates.{i}.department", f"{t.department} is not among the departments")
            for i, t in enumerate(self.templates)
            if t.department not in known
        ]


@dataclass(frozen=True)
class OutreachDeps:
    org: Organisation
    templates: NoticeTemplates
    settings: OutreachSettings
    calendar: WorkCalendar


def load_deps(settings: OutreachSettings) -> OutreachDeps:
    """The organisation and the templates; a bad file stops outreach here."""
    org = load_yaml(settings.config_dir / settings.org_file, Organisation)
    path = settings.config_dir / settings.rules_file
    templates = load_checked_yaml(path, NoticeTemplates, lambda loaded: loaded.problems_with(org))
    calendar = WorkCalendar.from_file(settings.config_dir / settings.calendar_file)
    return OutreachDeps(org=org, templates=templates, settings=settings, calendar=calendar)
