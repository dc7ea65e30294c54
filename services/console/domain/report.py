"""The monthly report (月报), pure: the services' counts and scores turned into what the page and
the file show — this month against the last, the places that keep coming back (热点难点, Art.
4(二)), each grid's rates and each worker's scores over the year."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
UNKNOWN_COMMUNITY = "（地址未匹配）"
# A place counts as recurring when its orders come back in this many of the months compared.
RECUR_MONTHS = 2
TOP = 15


def months_of_year(month: str) -> list[str]:
    """January up to ``month``: the year so far, for the scores' trend."""
    year, number = month.split("-")
    return [f"{year}-{n:02d}" for n in range(1, int(number) + 1)]


@dataclass(frozen=True)
class Compared:
    key: str
    label: str
    this: int
    last: int

    @property
    def change(self) -> int:
        return self.this - self.last

    @property
    def change_text(self) -> str:
        if self.last == 0:
            return "新增" if self.this else "—"
        if self.change == 0:
            return "持平"
        percent = round(100 * self.change / self.last)
        return f"{self.change:+d}（{percent:+d}%）"


@dataclass(frozen=True)
class Hotspot:
    community: str
    category: str
    months_seen: int
    total: int
    this: int


@dataclass(frozen=True)
class GridRate:
    grid: str
    department: str
    resolved: int
    callbacks: int
    on_time_rate: float | None
    satisfaction_rate: float | None


@dataclass(frozen=True)
class Trend:
    months: list[str]
    workers: list[tuple[str, list[int | None]]]  # name, final score per month (None: no row)


@dataclass(frozen=True)
class Report:
    month: str
    last_month: str
    department: str | None
    total: int
    last_total: int
    categories: list[Compared]
    communities: list[Compared]
    hotspots: list[Hotspot]
    rates: list[GridRate] | None  # None: the SLA service has no rates by grid yet
    trend: Trend
    scores: list[dict[str, Any]] = field(default_factory=list)  # this month's rows


def _sum_by(counts: Iterable[Mapping[str, Any]], key: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for c in counts:
        out[str(c[key])] += int(c["count"])
    return out


def compare(
    months: Sequence[Mapping[str, Any]], key: str, label: Callable[[str], str], top: int = TOP
) -> list[Compared]:
    """This month (``months[0]``) against the last (``months[1]``) by ``key``, largest first;
    what was there last month and is gone now is kept, as a fall to 0."""
    this = _sum_by(months[0]["counts"], key)
    last = _sum_by(months[1]["counts"], key) if len(months) > 1 else Counter()
    keys = sorted(set(this) | set(last), key=lambda k: (-this[k], -last[k], k))
    return [Compared(k, label(k), this[k], last[k]) for k in keys[:top]]


def hotspots(
    months: Sequence[Mapping[str, Any]], community: Callable[[str], str], top: int = TOP
) -> list[Hotspot]:
    """The same kind of trouble at the same community in ``RECUR_MONTHS`` or more of the months:
    most months first, then most orders. Orders with no matched community are no place."""
    per_month: list[Counter[tuple[str, str]]] = []
    for month in months:
        pairs: Counter[tuple[str, str]] = Counter()
        for c in month["counts"]:
            if c["community"]:
                pairs[str(c["community"]), str(c["category"])] += int(c["count"])
        per_month.append(pairs)
    seen: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for pairs in per_month:
        total.update(pairs)
        seen.update(pairs.keys())
    this = per_month[0] if per_month else Counter()
    recurring = [p for p in total if seen[p] >= RECUR_MONTHS]
    recurring.sort(key=lambda p: (-seen[p], -total[p], p))
    return [Hotspot(community(p[0]), p[1], seen[p], total[p], this[p]) for p in recurring[:top]]


def community_label(names: Mapping[str, str]) -> Callable[[str], str]:
    return lambda key: names.get(key, key) if key else UNKNOWN_COMMUNITY


def grid_rates(found: Any) -> list[GridRate] | None:
    """The SLA's rates by grid (``GET /v1/sla/rates``: ``grids``, rows with the grid, its
    department, counts and rates); an answer without them is no rates yet, not an error."""
    rows = found.get("grids") if isinstance(found, Mapping) else None
    if not isinstance(rows, list):
        return None
    return [
        GridRate(
            grid=str(r.get("grid") or ""),
            department=str(r.get("department") or ""),
            resolved=int(r.get("resolved") or 0),
            callbacks=int(r.get("callbacks") or 0),
            on_time_rate=r.get("on_time_rate"),
            satisfaction_rate=r.get("satisfaction_rate"),
        )
        for r in rows
        if isinstance(r, Mapping)
    ]


def trend(scores: Mapping[str, Sequence[Mapping[str, Any]]]) -> Trend:
    """Each worker's final score in every month given (months in order), by name."""
    months = sorted(scores)
    names: dict[str, str] = {}
    finals: dict[tuple[str, str], int] = {}
    for month in months:
        for row in scores[month]:
            names[row["worker_id"]] = row["name"]
            finals[row["worker_id"], month] = int(row["final"])
    workers = [
        (names[w], [finals.get((w, m)) for m in months])
        for w in sorted(names, key=lambda w: (names[w], w))
    ]
    return Trend(months, workers)


def own(rows: Iterable[Mapping[str, Any]], department: str | None) -> list[dict[str, Any]]:
    return [dict(r) for r in rows if department is None or r.get("department") == department]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def chart_data(report: Report, category: Callable[[str], str]) -> dict[str, Any]:
    """What the browser draws (``static/echarts-report.js``): labels already in Chinese."""
    rates = report.rates or []
    return {
        "month": report.month,
        "lastMonth": report.last_month,
        "categories": {
            "labels": [c.label for c in report.categories],
            "this": [c.this for c in report.categories],
            "last": [c.last for c in report.categories],
        },
        "communities": {
            "labels": [c.label for c in report.communities],
            "this": [c.this for c in report.communities],
            "last": [c.last for c in report.communities],
        },
        "hotspots": {
            "labels": [f"{h.community}·{category(h.category)}" for h in report.hotspots],
            "total": [h.total for h in report.hotspots],
        },
        "rates": {
            "labels": [r.grid for r in rates],
            "onTime": [None if r.on_time_rate is None else 100 * r.on_time_rate for r in rates],
            "satisfied": [
                None if r.satisfaction_rate is None else 100 * r.satisfaction_rate for r in rates
            ],
        },
        "trend": {
            "months": report.trend.months,
            "workers": [{"name": n, "values": v} for n, v in report.trend.workers],
        },
    }
