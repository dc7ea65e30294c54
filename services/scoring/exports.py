"""Downloads for the company office: .xlsx (one sheet per view, Chinese headers) and .csv.

A workbook is what the office files and prints: each sheet opens with a title row (department,
period), then a frozen header with an autofilter, and prints landscape, one page wide. People are
named (workers and whoever entered an item), rules by their Chinese label; no internal ids.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from services.scoring.config import RuleBook
from services.scoring.schemas import EntryView, MonthView, PeriodView
from shared.clock import to_local

Cell = str | int | float | None

SOURCE_LABELS = {
    "event": "系统自动",
    "manual": "负责人录入",
    "closing": "月度结算",
    "provisional": "排名加分（暂定）",
}
FLAG_LABELS = {"performance_pay_forfeited": "扣除当月全部绩效", "no_annual_award": "取消全年评优"}


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    """The title row above the headers (xlsx only: a CSV starts with its headers)."""


def local_text(when: datetime | None) -> str:
    return f"{to_local(when):%Y-%m-%d %H:%M}" if when else ""


def _yes(value: bool) -> str:
    return "是" if value else "否"


def month_sheets(
    view: MonthView,
    entries: list[EntryView],
    book: RuleBook,
    department_names: dict[str, str] | None = None,
    people: dict[str, str] | None = None,
    scope: str = "全部部门",
) -> list[Sheet]:
    """``people``: person id → name (workers and whoever entered items); ``scope``: whose
    workers the download holds (a department's name, or all), for the title rows."""
    codes = list(book.ranking.counts)
    names = department_names or {}
    headers = ["工号", "姓名", "部门", "基础分", "扣分", "加分"]
    for code in codes:
        label = book.rank_label(code, view.month)
        headers += [f"{label}·数量", f"{label}·名次", f"{label}·加分"]
    headers += ["结算后调整", "结算时得分", "最终得分", "是否合格", "标记"]
    rows: list[list[Cell]] = []
    for w in view.workers:
        department = names.get(w.department, w.department)
        row: list[Cell] = [w.worker_id, w.name, department, w.base, w.deductions, w.bonuses]
        for code in codes:
            place = w.ranks.get(code)
            row += [place.count, place.place, place.points] if place else [0, None, 0]
        row += [
            w.adjustments,
            w.at_close,
            w.final,
            _yes(w.passed),
            "、".join(FLAG_LABELS.get(f, f) for f in w.flags),
        ]
        rows.append(row)
    state = f"已结算（{local_text(view.closed_at)}）" if view.closed else "未结算（排名为暂定）"
    known = {**{w.worker_id: w.name for w in view.workers}, **(people or {})}
    return [
        Sheet(
            f"{view.month} 月度得分", headers, rows, f"{scope} {view.month} 网格员月度考核 {state}"
        ),
        Sheet("考核明细", *_ledger_table(entries, known), f"{scope} {view.month} 考核明细"),
        Sheet(
            "说明", ["项目", "内容"], _notes(view, book, state), f"{scope} {view.month} 考核说明"
        ),
    ]


def _ledger_table(
    entries: list[EntryView], people: dict[str, str]
) -> tuple[list[str], list[list[Cell]]]:
    headers = [
        "工号",
        "姓名",
        "月份",
        "考核项",
        "条款",
        "分值",
        "来源",
        "依据",
        "工单号",
        "录入人",
        "原因",
        "佐证",
        "是否更正",
        "发生时间（北京时间）",
        "结算后调整",
    ]
    rows: list[list[Cell]] = [
        [
            e.worker_id,
            people.get(e.worker_id, e.worker_id),
            e.month,
            e.label,
            e.article,
            e.points,
            SOURCE_LABELS.get(e.source, e.source),
            e.cause,
            e.order_id,
            people.get(e.entered_by, e.entered_by) if e.entered_by else None,
            e.reason,
            e.evidence,
            _yes(e.corrects is not None),
            local_text(e.occurred_at),
            _yes(e.adjustment),
        ]
        for e in entries
    ]
    return headers, rows


def ledger_sheet(entries: list[EntryView], people: dict[str, str] | None = None) -> Sheet:
    return Sheet("考核明细", *_ledger_table(entries, people or {}))


def _notes(view: MonthView, book: RuleBook, state: str) -> list[list[Cell]]:
    ties = (
        "并列者名次相同、同得该名次加分，其后名次顺延"
        if book.ranking.ties == "shared"
        else ("并列者名次相同，其后名次不空缺")
    )
    return [
        ["月份", view.month],
        ["状态", state],
        ["基础分", book.base],
        ["合格线", book.pass_line],
        ["排名加分", "、".join(f"第{i + 1}名 +{p}" for i, p in enumerate(book.ranking.points))],
        ["并列规则", ties],
        ["排名范围", "各部门分别排名" if book.ranking.scope == "department" else "全公司统一排名"],
    ]


def period_sheet(
    view: PeriodView,
    title: str,
    department_names: dict[str, str] | None = None,
    scope: str = "全部部门",
) -> Sheet:
    names = department_names or {}
    months = sorted({m for r in view.rows for m in r.monthly})
    headers = ["工号", "姓名", "部门", *[f"{m} 得分" for m in months]]
    headers += ["合计", "月均分", "名次", "星级网格员", "年度最佳", "取消评优", "不合格"]
    rows: list[list[Cell]] = [
        [
            r.worker_id,
            r.name,
            names.get(r.department, r.department),
            *[r.monthly.get(m) for m in months],
            r.total,
            r.average,
            r.place,
            _yes(r.star),
            _yes(r.best),
            _yes(r.award_excluded),
            _yes(r.unqualified),
        ]
        for r in view.rows
    ]
    closed = "、".join(view.months_closed) or "无"
    return Sheet(title, headers, rows, f"{scope} {title}（已结算月份：{closed}）")


def to_xlsx(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append([sheet.caption or sheet.title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(sheet.headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        _for_filing(ws, sheet)
        _fit_columns(ws, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _for_filing(ws: Any, sheet: Sheet) -> None:
    """The header stays in view and filters; printed landscape, one page wide (as many pages
    down as it takes), the header repeated on every page."""
    last = get_column_letter(max(len(sheet.headers), 1))
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last}{len(sheet.rows) + 2}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"


def _display_width(value: Cell) -> int:
    """Chinese characters take two columns in Excel's default font."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit_columns(ws: Any, sheet: Sheet) -> None:
    """Each column as wide as its longest cell (within bounds), so the sheet reads on opening."""
    for index, header in enumerate(sheet.headers):
        cells = [header, *(row[index] for row in sheet.rows if index < len(row))]
        widest = max(_display_width(c) for c in cells)
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(widest + 2, 8), 60)


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.headers)
    writer.writerows(["" if c is None else c for c in row] for row in sheet.rows)
    # With a BOM, Excel opens the Chinese headers as UTF-8.
    return out.getvalue().encode("utf-8-sig")
