"""Scoring's configuration: its settings, the Art. 18 rule book (config/scoring_rules.yaml, as
validated data versioned by month) and the deps bundle every handler receives."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

# The rule book's values live in the domain; named here too for the modules that read them
# with the settings.
from services.scoring.domain.rulebook import NO_ANNUAL_AWARD as NO_ANNUAL_AWARD
from services.scoring.domain.rulebook import PAY_FORFEITED as PAY_FORFEITED
from services.scoring.domain.rulebook import Entry, Flag, Ranking
from services.scoring.domain.rulebook import Rule as Rule
from services.scoring.domain.rulebook import RuleBook as RuleBook
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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    article: str
    label: str = Field(min_length=1, description="Chinese label, as people read it")
    points: int
    entry: Entry
    flag: Flag | None = None
    evidence_required: bool = Field(
        False, description="A manual entry must name its evidence (a letter, a photo…)"
    )
    effective_from: str = Field("2000-01", pattern=MONTH_PATTERN)


class RankingSpec(_Model):
    points: tuple[int, ...] = Field((5, 3, 2), min_length=1)
    ties: Literal["shared", "dense"] = "shared"
    scope: Literal["department", "company"] = "department"
    minimum_count: int = Field(1, ge=1)
    counts: dict[str, str] = Field(
        default_factory=lambda: dict(Ranking().counts), description="ranking rule code → counter"
    )


class QuarterlyStarsSpec(_Model):
    count: int = Field(3, ge=1)
    criterion: Literal["average", "total"] = "average"


class UnqualifiedSpec(_Model):
    judged: Literal["monthly", "yearly"] = "yearly"


class RuleBookFile(_Model):
    """``config/scoring_rules.yaml``: checked here, handed to the domain as its ``RuleBook``."""

    base: int = 100
    pass_line: int = 80
    rules: tuple[RuleSpec, ...] = Field(min_length=1)
    ranking: RankingSpec = Field(default_factory=RankingSpec)
    task_late_deadlines: tuple[str, ...] = ("resolve",)
    praise_categories: tuple[str, ...] = ("PRAISE",)
    quarterly_stars: QuarterlyStarsSpec = Field(default_factory=QuarterlyStarsSpec)
    unqualified: UnqualifiedSpec = Field(default_factory=UnqualifiedSpec)

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

    def book(self) -> RuleBook:
        """The checked file as the domain's plain values (pydantic builds the dataclasses)."""
        return _AS_BOOK.validate_python(self.model_dump())


_AS_BOOK: TypeAdapter[RuleBook] = TypeAdapter(RuleBook)


def rule_book(data: object) -> RuleBook:
    """A rule book from data shaped as the file (tests, tools), checked as the file is."""
    return RuleBookFile.model_validate(data).book()


def load_rules(path: Path) -> RuleBook:
    return load_yaml(path, RuleBookFile).book()


@dataclass(frozen=True)
class ScoringDeps:
    """What scoring's handlers and routes work with: the rule book and the organisation (who is
    assessed, in which department)."""

    book: RuleBook
    org: Organisation


def load_deps(settings: ScoringSettings) -> ScoringDeps:
    return ScoringDeps(
        book=load_rules(settings.config_dir / settings.rules_file),
        org=load_yaml(settings.config_dir / settings.org_file, Organisation),
    )
