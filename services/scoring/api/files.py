"""What a download holds and how it is sent: a head files their own department, the office all
of it; the title rows name whose it is."""

from fastapi.responses import Response

from services.scoring import exports
from services.scoring.config import ScoringDeps
from services.scoring.exports import Sheet
from services.scoring.schemas import EntryView, MonthView, PeriodRowView, PeriodView, ScoreRow
from shared.auth import Principal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, name: str, kind: str) -> Response:
    media = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


def filed_by(who: Principal, row: ScoreRow | PeriodRowView) -> bool:
    return who.kind != "head" or row.department == who.department


def named(deps: ScoringDeps) -> tuple[dict[str, str], dict[str, str]]:
    """Department code → name, person id → name."""
    return (
        {d.code: d.name for d in deps.org.departments},
        {p.id: p.name for p in deps.org.people},
    )


def scope(who: Principal, departments: dict[str, str]) -> str:
    if who.kind == "head" and who.department is not None:
        return departments.get(who.department, who.department)
    return "全部部门"


def period_file(who: Principal, deps: ScoringDeps, view: PeriodView, title: str) -> Sheet:
    view = view.model_copy(update={"rows": [r for r in view.rows if filed_by(who, r)]})
    names, _ = named(deps)
    return exports.period_sheet(view, title, names, scope(who, names))


def month_file(
    who: Principal, deps: ScoringDeps, view: MonthView, entries: list[EntryView]
) -> list[Sheet]:
    """A head files their own department's month; the office (and other readers) all of it.
    The ledger sheet names people and reasons: only the entries this reader could read in the
    workers' own ledgers."""
    view = view.model_copy(update={"workers": [w for w in view.workers if filed_by(who, w)]})
    departments = {w.worker_id: w.department for w in view.workers}
    entries = [e for e in entries if may_read_ledger(who, departments.get(e.worker_id))]
    names, people = named(deps)
    return exports.month_sheets(view, entries, deps.book, names, people, scope(who, names))


def may_read_ledger(who: Principal, department: str | None) -> bool:
    """A worker's ledger (entries with reasons that name people) is for the head of the worker's
    department and the company office (ops, admin); not for operators, not for other heads."""
    if who.is_any("ops", "admin"):
        return True
    return who.kind == "head" and department is not None and who.department == department
