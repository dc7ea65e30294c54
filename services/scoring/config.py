"""Scoring's configuration: its settings, the Art. 18 rule book (config/scoring_rules.yaml, as
validated data versioned by month) and the deps bundle every handler receives."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.config import load_yaml
from shared.organisation import Organisation
from shared.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    service_name: ClassVar[str] = "scoring"
    default_port: ClassVar[int] = 8104

    org_file: Path = Field(Path("org.yaml"), description="Relative to config_dir")
    rules_file: Path = Field(
        Path("scoring_rules.yaml"), description="Art. 18 rule book, relative to config_dir"
    )
    task_sweep_seconds: float = Field(
        30.0, gt=0, description="How often assigned tasks past their deadline are looked for"
    )


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MONTH = re.compile(MONTH_PATTERN)

PAY_FORFEITED = "performance_pay_forfeited"
NO_ANNUAL_AWARD = "no_annual_award"

Entry = Literal["automatic", "manual", "ranking"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    article: str
    label: str = Field(min_length=1, description="Chinese label, as people read it")
    points: int
    entry: Entry
    flag: Literal["performance_pay_forfeited", "no_annual_award"] | None = None
    evidence_required: bool = Field(
        False, description="A manual entry must name its evidence (a letter, a photo…)"
    )
    effective_from: str = Field("2000-01", pattern=MONTH_PATTERN)

    @property
    def kind(self) -> Literal["deduction", "bonus"]:
        return "deduction" if self.points < 0 else "bonus"


class Ranking(_Model):
    points: tuple[int, ...] = Field((5, 3, 2), min_length=1)
    ties: Literal["shared", "dense"] = "shared"
    scope: Literal["department", "company"] = "department"
    minimum_count: int = Field(1, ge=1)
    counts: dict[str, str] = Field(
        default_factory=lambda: {
            "RANK_CONSULTATIONS": "consultations",
            "RANK_MESSAGES": "messages",
            "RANK_ORDERS": "orders_handled",
        },
        description="ranking rule code → counter",
    )


class QuarterlyStars(_Model):
    count: int = Field(3, ge=1)
    criterion: Literal["average", "total"] = "average"


class Unqualified(_Model):
    judged: Literal["monthly", "yearly"] = "yearly"


class RuleBook(_Model):
    base: int = 100
    pass_line: int = 80
    rules: tuple[Rule, ...] = Field(min_length=1)
    ranking: Ranking = Field(default_factory=Ranking)
    task_late_deadlines: tuple[str, ...] = ("resolve",)
    praise_categories: tuple[str, ...] = ("PRAISE",)
    quarterly_stars: QuarterlyStars = Field(default_factory=QuarterlyStars)
    unqualified: Unqualified = Field(default_factory=Unqualified)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[str] = []
        seen: set[tuple[str, str]] = set()
        for rule in self.rules:
            key = (rule.code, rule.effective_from)
            if key in seen:
                problems.append(f"rule {rule.code} twice from {rule.effective_from}")
            seen.add(key)
        codes = {r.code for r in self.rules}
        for code in self.ranking.counts:
            if code not in codes:
                problems.append(f"ranking count {code} has no rule")
        for needed in ("COMPLAINT_VERIFIED", "APPOINTMENT_UNEXPLAINED", "TASK_LATE", "PRAISE"):
            if needed not in codes:
                problems.append(f"automatic rule {needed} is missing")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rule(self, code: str, month: str) -> Rule | None:
        """The version of ``code`` in force in ``month`` (the latest that started by then)."""
        versions = [r for r in self.rules if r.code == code and r.effective_from <= month]
        return max(versions, key=lambda r: r.effective_from) if versions else None

    def in_force(self, month: str) -> list[Rule]:
        codes = dict.fromkeys(r.code for r in self.rules)
        return [rule for code in codes if (rule := self.rule(code, month)) is not None]

    def rank_label(self, code: str, month: str) -> str:
        rule = self.rule(code, month)
        return rule.label if rule else code


def load_rules(path: Path) -> RuleBook:
    return load_yaml(path, RuleBook)


@dataclass(frozen=True)
class ScoringDeps:
    """What scoring's handlers and routes work with: the rule book and the organisation (who is
    assessed, in which department)."""

    book: RuleBook
    org: Organisation
