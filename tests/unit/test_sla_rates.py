"""The month's rates, pure (issue 20): what each rate divides, the Beijing month's bounds, and
the gauges set from a month's tallies."""

from datetime import UTC, datetime

from prometheus_client import REGISTRY

from services.sla.domain.rates import Fact, Located, by_department, by_grid, month_bounds, month_of
from services.sla.metrics import set_month_rates


def located(
    fact: str, department: str | None = "D1", grid: str | None = "G1", **kw: object
) -> Located:
    values: dict[str, object] = {"on_time": None, "satisfaction": None, "solved": None, "n": 1}
    values.update(kw)
    return Located(department, grid, Fact(fact, **values))  # type: ignore[arg-type]


COUNTS = [
    located("resolved", on_time=True, n=3),
    located("resolved", on_time=False),
    located("callback", satisfaction="满意", solved=True, n=2),
    located("callback", satisfaction="基本满意", solved=False),
    located("callback", satisfaction="不满意", solved=False),
    located("reopened"),
    located("urged", n=2),
    located("supervised", grid=None),
    located("resolved", department=None, grid=None, on_time=True),
]


def test_each_rate_divides_what_its_definition_says() -> None:
    d1 = by_department(COUNTS)["D1"]
    assert (d1.resolved, d1.on_time, d1.on_time_rate) == (4, 3, 0.75)
    assert (d1.callbacks, d1.satisfaction_rate, d1.solved_rate) == (4, 0.75, 0.5)
    assert (d1.reopened, d1.redo_rate, d1.urges, d1.supervisions) == (1, 0.25, 2, 1)
    assert by_department(COUNTS)["UNASSIGNED"].resolved == 1
    # The 督办 of an order no grid held counts to its department only.
    assert by_grid(COUNTS)[("D1", "G1")].supervisions == 0


def test_nothing_counted_is_no_rate_not_zero() -> None:
    quiet = by_department([located("urged")])["D1"]
    assert (quiet.on_time_rate, quiet.satisfaction_rate, quiet.redo_rate) == (None, None, None)


def test_the_month_is_beijings() -> None:
    start, end = month_bounds("2026-12")
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime(2026, 11, 30, 16, tzinfo=UTC),
        datetime(2026, 12, 31, 16, tzinfo=UTC),
    )
    assert month_of(datetime(2026, 11, 30, 16, 30, tzinfo=UTC)) == "2026-12"


def test_gauges_hold_the_rates_and_leave_out_what_has_none() -> None:
    set_month_rates(by_department(COUNTS))

    def sample(name: str, **labels: str) -> float | None:
        return REGISTRY.get_sample_value(name, labels)

    assert sample("gridline_sla_month_rate", rate="satisfaction", department="D1") == 0.75
    assert sample("gridline_sla_month_rate", rate="redo", department="D1") == 0.25
    assert sample("gridline_sla_month_followups", kind="urge", department="D1") == 2
    assert sample("gridline_sla_month_rate", rate="satisfaction", department="UNASSIGNED") is None
