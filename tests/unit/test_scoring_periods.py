"""Quarter stars, the best of the year, the unqualified: averages of closed months by hand."""

from dataclasses import replace

from services.scoring.config import NO_ANNUAL_AWARD, load_rules
from services.scoring.domain.monthly import MonthScore, Worker
from services.scoring.domain.periods import (
    months_of_quarter,
    quarter_of,
    quarter_results,
    year_results,
)
from services.scoring.domain.rulebook import QuarterlyStars, Unqualified
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
W = {i: Worker(f"W-{i}", f"网格员{i}", "MR") for i in range(1, 6)}


def score(worker: int, month: str, final: int, flags: tuple[str, ...] = ()) -> MonthScore:
    return MonthScore(
        worker=W[worker],
        month=month,
        base=100,
        deductions=0,
        bonuses=final - 100,
        places={},
        final=final,
        passed=final >= 80,
        closed=True,
        flags=flags,
    )


# Q3 2026 monthly finals, by hand:
#   W-1: 110, 104, 100 → 104.67      W-2: 105, 105, 102 → 104
#   W-3: 104, 104, 104 → 104          W-4: 90, 100, 95 → 95      W-5: 70, 80, 75 → 75
FINALS = {
    1: (110, 104, 100),
    2: (105, 105, 102),
    3: (104, 104, 104),
    4: (90, 100, 95),
    5: (70, 80, 75),
}
Q3 = {
    m: [score(w, m, finals[i]) for w, finals in FINALS.items()]
    for i, m in enumerate(months_of_quarter("2026-Q3"))
}


def test_quarters() -> None:
    assert quarter_of("2026-09") == "2026-Q3"
    assert months_of_quarter("2026-Q4") == ["2026-10", "2026-11", "2026-12"]


def test_the_three_best_averages_of_the_quarter_are_stars_and_a_tie_for_third_shares() -> None:
    rows = {r.worker.id: r for r in quarter_results("2026-Q3", Q3, BOOK)}
    assert {w: (r.place, r.star) for w, r in rows.items()} == {
        "W-1": (1, True),
        "W-2": (2, True),
        "W-3": (2, True),
        "W-4": (4, False),
        "W-5": (5, False),
    }
    assert float(rows["W-1"].average) == 314 / 3


def test_one_star_by_total() -> None:
    book = replace(BOOK, quarterly_stars=QuarterlyStars(count=1, criterion="total"))
    stars = [r.worker.id for r in quarter_results("2026-Q3", Q3, book) if r.star]
    assert stars == ["W-1"]


def test_a_verified_complaint_costs_the_best_of_the_year() -> None:
    scores = {m: list(s) for m, s in Q3.items()}
    scores["2026-08"][0] = score(1, "2026-08", 104, (NO_ANNUAL_AWARD,))
    rows = {r.worker.id: r for r in year_results("2026", scores, BOOK)}
    assert rows["W-1"].award_excluded and not rows["W-1"].best
    # Next best averages: W-2 104 and W-3 104 → both best of the year.
    assert sorted(w for w, r in rows.items() if r.best) == ["W-2", "W-3"]


def test_unqualified_by_the_years_average_or_by_any_month() -> None:
    yearly = {r.worker.id: r.unqualified for r in year_results("2026", Q3, BOOK)}
    assert yearly == {"W-1": False, "W-2": False, "W-3": False, "W-4": False, "W-5": True}
    # W-4's average is 95 but no month below 80; W-5's months 70 and 75 are.
    monthly_book = replace(BOOK, unqualified=Unqualified(judged="monthly"))
    scores = {m: list(s) for m, s in Q3.items()}
    scores["2026-07"][3] = score(4, "2026-07", 79)
    monthly = {r.worker.id: r.unqualified for r in year_results("2026", scores, monthly_book)}
    assert monthly == {"W-1": False, "W-2": False, "W-3": False, "W-4": True, "W-5": True}
    assert {r.worker.id: r.unqualified for r in year_results("2026", scores, BOOK)}["W-4"] is False


def test_a_verified_complaint_costs_the_quarters_star_and_frees_its_place() -> None:
    # W-1 has the best Q3 but a complaint verified in August: no star and no place; W-2 and W-3
    # share first, and W-4 (95) takes the third star W-1 no longer holds.
    august = [
        score(w, "2026-08", finals[1], (NO_ANNUAL_AWARD,) if w == 1 else ())
        for w, finals in FINALS.items()
    ]
    rows = {r.worker.id: r for r in quarter_results("2026-Q3", {**Q3, "2026-08": august}, BOOK)}
    assert (rows["W-1"].award_excluded, rows["W-1"].star, rows["W-1"].place) == (True, False, None)
    assert {w: (r.place, r.star) for w, r in rows.items() if w != "W-1"} == {
        "W-2": (1, True),
        "W-3": (1, True),
        "W-4": (3, True),
        "W-5": (4, False),
    }


def test_a_complaint_earlier_in_the_year_cancels_a_later_quarters_star() -> None:
    february = {"2026-02": [score(1, "2026-02", 100, (NO_ANNUAL_AWARD,))]}
    rows = {r.worker.id: r for r in quarter_results("2026-Q3", {**Q3, **february}, BOOK)}
    assert not rows["W-1"].star
    # A complaint after the quarter (November) does not take back Q3's star.
    november = {"2026-11": [score(1, "2026-11", 100, (NO_ANNUAL_AWARD,))]}
    rows = {r.worker.id: r for r in quarter_results("2026-Q3", {**Q3, **november}, BOOK)}
    assert rows["W-1"].star
