"""The monthly report's arithmetic (console ``domain/report``): this month against the last, the
places that come back, the rates by grid when the SLA has them, each worker's year."""

from typing import Any

from services.console.domain.report import (
    Compared,
    community_label,
    compare,
    grid_rates,
    hotspots,
    months_of_year,
    trend,
)


def month(name: str, *counts: tuple[str, str, int]) -> dict[str, Any]:
    rows = [{"category": c, "community": k, "grid": "G", "count": n} for c, k, n in counts]
    return {"month": name, "total": sum(n for _, _, n in counts), "counts": rows}


MONTHS = [
    month("2026-11", ("LEAK", "水城", 3), ("LEAK", "", 1), ("NO_WATER", "东关", 1)),
    month("2026-10", ("LEAK", "水城", 1), ("METER", "古楼", 2)),
    month("2026-09", ("METER", "古楼", 1), ("NO_WATER", "东关", 1)),
]


def test_categories_compare_this_month_with_the_last_and_keep_what_fell_to_nothing() -> None:
    got = compare(MONTHS, "category", str.lower)

    assert [(c.key, c.label, c.this, c.last) for c in got] == [
        ("LEAK", "leak", 4, 1),
        ("NO_WATER", "no_water", 1, 0),
        ("METER", "meter", 0, 2),
    ]
    assert [c.change_text for c in got] == ["+3（+300%）", "新增", "-2（-100%）"]
    assert Compared("X", "x", 2, 2).change_text == "持平"


def test_communities_are_named_as_the_organisation_names_them() -> None:
    names = community_label({"水城": "水城花园"})

    got = compare(MONTHS, "community", names)

    assert [c.label for c in got] == ["水城花园", "（地址未匹配）", "东关", "古楼"]


def test_a_hot_spot_is_the_same_trouble_at_one_community_in_two_of_the_months() -> None:
    got = hotspots(MONTHS, community_label({"水城": "水城花园"}))

    # The unmatched address is no place, however often it comes back.
    assert [(h.community, h.category, h.months_seen, h.total, h.this) for h in got] == [
        ("水城花园", "LEAK", 2, 4, 3),
        ("古楼", "METER", 2, 3, 0),
        ("东关", "NO_WATER", 2, 2, 1),
    ]


def test_rates_by_grid_are_read_when_the_sla_gives_them_and_none_otherwise() -> None:
    answer = {
        "grids": [
            {
                "grid": "UM-DC-03",
                "department": "USER_MAINTENANCE",
                "resolved": 4,
                "callbacks": 2,
                "on_time_rate": 0.75,
                "satisfaction_rate": None,
            }
        ]
    }

    (rate,) = grid_rates(answer) or []

    assert (rate.grid, rate.resolved, rate.on_time_rate, rate.satisfaction_rate) == (
        "UM-DC-03",
        4,
        0.75,
        None,
    )
    assert grid_rates(None) is None and grid_rates({"departments": []}) is None


def test_the_trend_is_each_workers_final_score_month_by_month() -> None:
    scores = {
        "2026-02": [{"worker_id": "W-1", "name": "甲", "final": 98}],
        "2026-01": [
            {"worker_id": "W-1", "name": "甲", "final": 103},
            {"worker_id": "W-2", "name": "乙", "final": 100},
        ],
    }

    got = trend(scores)

    assert got.months == ["2026-01", "2026-02"]
    assert got.workers == [("乙", [100, None]), ("甲", [103, 98])]
    assert months_of_year("2026-03") == ["2026-01", "2026-02", "2026-03"]
