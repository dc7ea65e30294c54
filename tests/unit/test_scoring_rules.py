"""The Art. 18 rule book as data: complete, validated, and changeable from a month on."""

from pathlib import Path

import pytest

from services.scoring.config import PAY_FORFEITED, RuleBook, load_rules
from shared.config import ConfigError
from shared.paths import CONFIG_DIR

ART_18 = {
    # code: (points, entry)
    "COMM_UNREACHABLE": (-3, "manual"),
    "WORK_PHONE_PRIVATE_USE": (-20, "manual"),
    "DRESS_BADGE": (-2, "manual"),
    "PERFUNCTORY": (-2, "manual"),
    "NO_ECHO": (-2, "manual"),
    "IMPROPER_CONDUCT": (-5, "manual"),
    "IMPROPER_CONDUCT_SERIOUS": (-5, "manual"),
    "APPOINTMENT_UNEXPLAINED": (-3, "automatic"),
    "COMPLAINT_VERIFIED": (-10, "automatic"),
    "WECHAT_GROUP_MISSING": (-2, "manual"),
    "INFO_NOT_SENT": (-2, "manual"),
    "TASK_LATE": (-2, "automatic"),
    "SERVICE_COMMENDED": (5, "manual"),
    "PRAISE": (1, "automatic"),
    "PRAISE_LETTER": (1, "manual"),
    "PENNANT": (3, "manual"),
    "RANK_CONSULTATIONS": (0, "ranking"),
    "RANK_MESSAGES": (0, "ranking"),
    "RANK_ORDERS": (0, "ranking"),
    "PROACTIVE_SOLUTION": (1, "manual"),
}


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules(CONFIG_DIR / "scoring_rules.yaml")


def test_the_shipped_rule_book_holds_every_art_18_item_with_its_points(book: RuleBook) -> None:
    found = {r.code: (r.points, r.entry) for r in book.in_force("2026-11")}
    assert found == ART_18
    assert (book.base, book.pass_line) == (100, 80)
    assert book.ranking.points == (5, 3, 2)
    assert all(r.label and r.article.startswith("18") for r in book.in_force("2026-11"))


def test_serious_improper_conduct_forfeits_the_months_pay(book: RuleBook) -> None:
    rule = book.rule("IMPROPER_CONDUCT_SERIOUS", "2026-11")
    assert rule is not None and rule.flag == PAY_FORFEITED


def _book_with_change(tmp_path: Path) -> RuleBook:
    text = (CONFIG_DIR / "scoring_rules.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  # （二）加分项",
        '  - {code: DRESS_BADGE, article: "18(一)2", label: 未按要求着装和佩戴工牌, points: -4,'
        ' entry: manual, effective_from: "2026-12"}\n  # （二）加分项',
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


@pytest.mark.parametrize(("month", "points"), [("2026-11", -2), ("2026-12", -4), ("2027-03", -4)])
def test_a_rule_changed_from_next_month_leaves_this_month_alone(
    tmp_path: Path, month: str, points: int
) -> None:
    rule = _book_with_change(tmp_path).rule("DRESS_BADGE", month)
    assert rule is not None and rule.points == points


def test_a_rule_not_yet_in_force_is_not_there(book: RuleBook) -> None:
    assert book.rule("PENNANT", "1999-12") is None


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ("points: -3, entry: manual}", "entry"),  # replaced below with an unknown entry kind
        ("pass_line: 80", "pass_line"),
    ],
)
def test_a_broken_rule_file_names_the_field(tmp_path: Path, bad: str, field: str) -> None:
    text = (CONFIG_DIR / "scoring_rules.yaml").read_text(encoding="utf-8")
    broken = text.replace(bad, bad.replace("manual", "by-hand").replace("80", "eighty"), 1)
    assert broken != text
    path = tmp_path / "rules.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match=field):
        load_rules(path)


def test_a_ranking_count_without_its_rule_is_refused(tmp_path: Path) -> None:
    text = (CONFIG_DIR / "scoring_rules.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("RANK_ORDERS: orders_handled", "RANK_VISITS: visits"), "utf-8")
    with pytest.raises(ConfigError, match="RANK_VISITS has no rule"):
        load_rules(path)


def test_the_consumers_tables_hold_every_event_type_the_scoring_rules_read() -> None:
    """Scoring consumes only the types its counts, entries and candidates match on (the rest
    are dropped from their header): a rule on a new type must bring the type into a table."""
    import ast
    from pathlib import Path

    from services.scoring import domain
    from services.scoring.handlers import ACTIVITY_EVENTS, EVENTS
    from shared.contracts import MonthClosed, ScoreEntryRecorded

    matched: set[str] = set()
    for module in ("counts", "entries", "candidates"):
        tree = ast.parse((Path(domain.__file__).parent / f"{module}.py").read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Name):
                matched.add(node.cls.id)
    tables = {cls.__name__ for cls in (*EVENTS, *ACTIVITY_EVENTS)}
    assert matched, "the rules match on event classes"
    assert matched <= tables, sorted(matched - tables)
    # The two applied by handlers.events itself, not by a rule module.
    assert {ScoreEntryRecorded.__name__, MonthClosed.__name__} <= tables
