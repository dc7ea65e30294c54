"""A worker's ledger: every item that makes their score, so the month's table can be followed.

The ledger's rows, and for a month not yet closed the rank points the live counts earn — marked
暂定, with the count and place behind them — since the month's table counts those too. After
closing, the rank points are the closing's rows, shown with the frozen count and place.
"""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.scoring.config import RuleBook
from services.scoring.domain.entries import LedgerEntry
from services.scoring.domain.ranking import Place
from services.scoring.queries.entries import SOURCE_LABELS, entry_view
from services.scoring.queries.months import month_awards
from services.scoring.schemas import EntryView, LedgerView
from services.scoring.store import CountRepository, LedgerRepository
from shared.organisation import Organisation


def _among(book: RuleBook) -> str:
    return "部门内" if book.ranking.scope == "department" else "全公司"


def _placed(view: EntryView, place: Place, book: RuleBook) -> EntryView:
    """A closing's rank points with the frozen count and place they came from."""
    cause = (
        f"{view.month} 月度结算：{view.label}·数量 {place.count}，"
        f"{_among(book)}第{place.place}名，+{place.points}"
    )
    return view.model_copy(
        update={"rank_count": place.count, "rank_place": place.place, "cause": cause}
    )


def _provisional(
    worker_id: str, month: str, places: Mapping[str, Place], book: RuleBook, now: datetime
) -> list[EntryView]:
    views = []
    for code, place in places.items():
        if place.place is None or place.points == 0:
            continue
        label = book.rank_label(code, month)
        rule = book.rule(code, month)
        views.append(
            EntryView(
                entry_id=f"provisional:{month}:{code}",
                worker_id=worker_id,
                month=month,
                rule=code,
                label=label,
                article=rule.article if rule else "",
                points=place.points,
                source="provisional",
                source_label=SOURCE_LABELS["provisional"],
                cause=(
                    f"暂定：{month} 尚未结算，按目前{label}·数量 {place.count}，"
                    f"{_among(book)}第{place.place}名；结算时按当时数量定名次"
                ),
                provisional=True,
                rank_count=place.count,
                rank_place=place.place,
                event_id=None,
                event_type=None,
                order_id=None,
                entered_by=None,
                reason=f"{label}第{place.place}名（{place.count}）（暂定）",
                evidence=None,
                flag=None,
                corrects=None,
                occurred_at=now,
                adjustment=False,
            )
        )
    return views


async def _months(session: AsyncSession, worker_id: str, entries: list[LedgerEntry]) -> list[str]:
    counted = await CountRepository(session).months_of(worker_id)
    return sorted({e.month for e in entries} | set(counted))


async def ledger_view(
    session: AsyncSession,
    book: RuleBook,
    org: Organisation,
    worker_id: str,
    month: str | None,
    now: datetime,
) -> LedgerView:
    """``now``: when the provisional rank points are read (their time in the list)."""
    entries = await LedgerRepository(session).of_worker(worker_id, month)
    months = [month] if month is not None else await _months(session, worker_id, entries)
    names = {p.id: p.name for p in org.people}
    views: list[EntryView] = []
    for m in months:
        _, awards, closure = await month_awards(session, book, org, m)
        places = awards.get(worker_id, {})
        closed_at = closure.closed_at if closure else None
        for e in (x for x in entries if x.month == m):
            view = entry_view(e, book, closed_at, names)
            if e.source == "closing" and e.rule in places:
                view = _placed(view, places[e.rule], book)
            views.append(view)
        if closure is None:
            views += _provisional(worker_id, m, places, book, now)
    return LedgerView(
        worker_id=worker_id,
        month=month,
        entries=views,
        total=sum(v.points for v in views),
        provisional=sum(v.points for v in views if v.provisional),
    )


async def entry(session: AsyncSession, book: RuleBook, entry_id: str) -> EntryView:
    """An entry just written, as its writer is answered."""
    found = await LedgerRepository(session).get(entry_id)
    assert found is not None  # written in the unit of work that just committed
    return entry_view(found, book, None)
