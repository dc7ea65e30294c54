"""The Art. 18 rule book as the domain reads it: plain values, versioned by month.

``config/scoring_rules.yaml`` is checked by pydantic in ``config.py`` (codes, patterns, the
automatic rules that must be there) and handed over as these."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

PAY_FORFEITED = "performance_pay_forfeited"
NO_ANNUAL_AWARD = "no_annual_award"

Entry = Literal["automatic", "manual", "ranking"]
Flag = Literal["performance_pay_forfeited", "no_annual_award"]


@dataclass(frozen=True)
class Rule:
    code: str
    article: str
    label: str
    """Chinese, as people read it."""
    points: int
    entry: Entry
    flag: Flag | None = None
    evidence_required: bool = False
    """A manual entry must name its evidence (a letter, a photo…)."""
    effective_from: str = "2000-01"

    @property
    def kind(self) -> Literal["deduction", "bonus"]:
        return "deduction" if self.points < 0 else "bonus"


def _default_counts() -> dict[str, str]:
    return {
        "RANK_CONSULTATIONS": "consultations",
        "RANK_MESSAGES": "messages",
        "RANK_ORDERS": "orders_handled",
    }


@dataclass(frozen=True)
class Ranking:
    points: tuple[int, ...] = (5, 3, 2)
    ties: Literal["shared", "dense"] = "shared"
    scope: Literal["department", "company"] = "department"
    minimum_count: int = 1
    counts: Mapping[str, str] = field(default_factory=_default_counts)
    """ranking rule code → counter"""


@dataclass(frozen=True)
class QuarterlyStars:
    count: int = 3
    criterion: Literal["average", "total"] = "average"


@dataclass(frozen=True)
class Unqualified:
    judged: Literal["monthly", "yearly"] = "yearly"


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    base: int = 100
    pass_line: int = 80
    ranking: Ranking = field(default_factory=Ranking)
    task_late_deadlines: tuple[str, ...] = ("resolve",)
    praise_categories: tuple[str, ...] = ("PRAISE",)
    quarterly_stars: QuarterlyStars = field(default_factory=QuarterlyStars)
    unqualified: Unqualified = field(default_factory=Unqualified)

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
