"""18(二)3 places: 1st +5, 2nd +3, 3rd +2, and what ties do."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.scoring.domain.ranking import places

POINTS = (5, 3, 2)


@pytest.mark.parametrize(
    ("counts", "ties", "expected"),
    [
        (
            {"a": 9, "b": 7, "c": 5, "d": 1},
            "shared",
            {"a": (1, 5), "b": (2, 3), "c": (3, 2), "d": (4, 0)},
        ),
        (
            {"a": 9, "b": 9, "c": 7, "d": 5},
            "shared",
            {"a": (1, 5), "b": (1, 5), "c": (3, 2), "d": (4, 0)},
        ),
        (
            {"a": 9, "b": 7, "c": 7, "d": 5},
            "shared",
            {"a": (1, 5), "b": (2, 3), "c": (2, 3), "d": (4, 0)},
        ),
        (
            {"a": 9, "b": 9, "c": 9, "d": 5},
            "shared",
            {"a": (1, 5), "b": (1, 5), "c": (1, 5), "d": (4, 0)},
        ),
        (
            {"a": 9, "b": 9, "c": 7, "d": 5},
            "dense",
            {"a": (1, 5), "b": (1, 5), "c": (2, 3), "d": (3, 2)},
        ),
    ],
    ids=["no tie", "two tied first", "two tied second", "three tied first", "dense ties"],
)
def test_places_and_points(
    counts: dict[str, int], ties: str, expected: dict[str, tuple[int, int]]
) -> None:
    result = places(counts, POINTS, ties)  # type: ignore[arg-type]
    assert {w: (p.place, p.points) for w, p in result.items()} == expected


def test_a_worker_with_nothing_counted_is_not_ranked() -> None:
    result = places({"a": 2, "b": 0}, POINTS)
    assert (result["b"].place, result["b"].points) == (None, 0)
    assert (result["a"].place, result["a"].points) == (1, 5)


def test_nobody_counted_means_nobody_ranked() -> None:
    assert all(p.place is None for p in places({"a": 0, "b": 0}, POINTS).values())


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 20), min_size=1))
def test_more_counted_never_earns_less_and_ties_earn_alike(counts: dict[str, int]) -> None:
    for ties in ("shared", "dense"):
        result = places(counts, POINTS, ties)
        for a, b in itertools.permutations(counts, 2):
            if counts[a] > counts[b]:
                assert result[a].points >= result[b].points
            if counts[a] == counts[b]:
                assert result[a] == result[b]
        # Shared places never hand out more first places than there are workers tied for first.
        firsts = [w for w, p in result.items() if p.place == 1]
        assert all(counts[w] == max(counts.values()) for w in firsts)
