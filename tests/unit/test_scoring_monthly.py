"""A month's scores by hand: base 100, the ledger, the places, the closing and adjustments."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.scoring.config import NO_ANNUAL_AWARD, PAY_FORFEITED, load_rules
from services.scoring.domain.entries import LedgerEntry
from services.scoring.domain.monthly import Worker, closing_entries, month_scores, rank_awards
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
MONTH = "2026-09"
T = datetime(2026, 9, 15, 2, 0, tzinfo=UTC)
CLOSED = datetime(2026, 10, 2, 1, 0, tzinfo=UTC)

A = Worker("W-A", "甲", "MR")
B = Worker("W-B", "乙", "MR")
C = Worker("W-C", "丙", "MR")
D = Worker("W-D", "丁", "MR")  # nothing at all this month
X = Worker("W-X", "戊", "UM")  # another department: ranked on its own
WORKERS = [A, B, C, D, X]

COUNTS = {
    "W-A": {"consultations": 9, "messages": 4, "orders_handled": 2},
    "W-B": {"consultations": 9, "messages": 6},
    "W-C": {"consultations": 3, "messages": 6, "orders_handled": 5},
    "W-X": {"consultations": 1},
}


def entry(
    worker: Worker,
    rule: str,
    points: int,
    n: int,
    flag: str | None = None,
    at: datetime = T,
    corrects: str | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        entry_id=f"{worker.id}-{n}",
        worker_id=worker.id,
        month=MONTH,
        rule=rule,
        points=points,
        source="manual",
        reason="r",
        occurred_at=at,
        flag=flag,
        corrects=corrects,
    )


ENTRIES = [
    entry(A, "COMPLAINT_VERIFIED", -10, 1, NO_ANNUAL_AWARD),
    entry(A, "PRAISE", 1, 2),
    entry(B, "PENNANT", 3, 1),
    entry(B, "DRESS_BADGE", -2, 2),
    entry(C, "IMPROPER_CONDUCT_SERIOUS", -5, 1, PAY_FORFEITED),
]


def by_id(scores: list) -> dict:  # type: ignore[type-arg]
    return {s.worker.id: s for s in scores}


def test_places_are_made_within_each_department() -> None:
    awards = rank_awards(WORKERS, COUNTS, BOOK)
    # consultations MR: A 9, B 9 tie for 1st (+5 each), C 3 is 3rd (+2), D 0 unranked.
    assert {w: awards[w]["RANK_CONSULTATIONS"].points for w in ("W-A", "W-B", "W-C", "W-D")} == {
        "W-A": 5,
        "W-B": 5,
        "W-C": 2,
        "W-D": 0,
    }
    # messages MR: B 6, C 6 tie 1st, A 4 3rd. orders MR: C 5 1st, A 2 2nd.
    assert awards["W-A"]["RANK_MESSAGES"].place == 3
    assert awards["W-A"]["RANK_ORDERS"].points == 3
    # UM has only X: 1st in consultations with one answer.
    assert awards["W-X"]["RANK_CONSULTATIONS"].points == 5


def test_an_open_months_scores_by_hand() -> None:
    awards = rank_awards(WORKERS, COUNTS, BOOK)
    scores = by_id(month_scores(MONTH, WORKERS, ENTRIES, awards, BOOK))
    # A: 100 −10 +1 + (5 consultations + 2 messages 3rd + 3 orders 2nd) = 101
    # B: 100 +3 −2 + (5 + 5) = 111
    # C: 100 −5 + (2 + 5 + 5) = 107, pay forfeited
    # D: 100, X: 100 + 5 = 105
    assert {w: s.final for w, s in scores.items()} == {
        "W-A": 101,
        "W-B": 111,
        "W-C": 107,
        "W-D": 100,
        "W-X": 105,
    }
    assert (scores["W-A"].deductions, scores["W-A"].bonuses) == (-10, 11)
    assert scores["W-A"].flags == (NO_ANNUAL_AWARD,)
    assert scores["W-C"].flags == (PAY_FORFEITED,)
    assert scores["W-D"].flags == () and scores["W-D"].passed
    assert not scores["W-A"].closed and scores["W-A"].at_close is None


def test_closing_writes_the_places_into_the_ledger_and_later_entries_are_adjustments() -> None:
    awards = rank_awards(WORKERS, COUNTS, BOOK)
    closing = closing_entries(MONTH, "evt-close", CLOSED, awards, BOOK, "office")
    assert sorted((e.worker_id, e.rule, e.points) for e in closing if e.worker_id == "W-A") == [
        ("W-A", "RANK_CONSULTATIONS", 5),
        ("W-A", "RANK_MESSAGES", 2),
        ("W-A", "RANK_ORDERS", 3),
    ]
    late = entry(D, "PERFUNCTORY", -2, 1, at=CLOSED + timedelta(days=1))
    scores = by_id(month_scores(MONTH, WORKERS, [*ENTRIES, *closing, late], awards, BOOK, CLOSED))
    assert scores["W-A"].final == 101  # the same as before closing
    assert (scores["W-D"].at_close, scores["W-D"].adjustments, scores["W-D"].final) == (100, -2, 98)
    assert scores["W-D"].closed


def test_a_closed_months_places_are_those_of_the_ledger_not_of_later_counts() -> None:
    awards = rank_awards(WORKERS, COUNTS, BOOK)
    closing = closing_entries(MONTH, "evt-close", CLOSED, awards, BOOK, "office")
    later_counts = {**COUNTS, "W-D": {"consultations": 50}}
    later_awards = rank_awards(WORKERS, later_counts, BOOK)
    scores = by_id(month_scores(MONTH, WORKERS, [*ENTRIES, *closing], later_awards, BOOK, CLOSED))
    assert scores["W-D"].final == 100


def test_a_correction_takes_back_the_points_and_the_flag_but_stays_a_deduction() -> None:
    correction = entry(C, "IMPROPER_CONDUCT_SERIOUS", 5, 2, corrects="W-C-1")
    scores = by_id(month_scores(MONTH, [C], [*ENTRIES, correction], {}, BOOK))
    assert (scores["W-C"].deductions, scores["W-C"].final, scores["W-C"].flags) == (0, 100, ())


def test_below_the_pass_line_fails_the_month() -> None:
    heavy = [entry(D, "WORK_PHONE_PRIVATE_USE", -20, 1), entry(D, "DRESS_BADGE", -2, 2)]
    score = month_scores(MONTH, [D], heavy, {}, BOOK)[0]
    assert (score.final, score.passed) == (78, False)


def test_one_company_wide_ranking_when_so_configured() -> None:
    book = replace(BOOK, ranking=replace(BOOK.ranking, scope="company"))
    awards = rank_awards(WORKERS, COUNTS, book)
    # consultations company-wide: A 9, B 9 (1st), C 3 (3rd), X 1 (4th: nothing).
    assert awards["W-X"]["RANK_CONSULTATIONS"].points == 0
    assert awards["W-C"]["RANK_CONSULTATIONS"].place == 3
