"""Downloads for the company office: .xlsx (one sheet per view, Chinese headers) and .csv."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.scoring.config import RuleBook
from services.scoring.schemas import EntryView, MonthView, PeriodView
from shared.clock import to_local

Cell = str | int | float | None

SOURCE_LABELS = {"event": "系统自动", "manual": "负责人录入", "closing": "月度结算"}
FLAG_LABELS = {"performance_pay_forfeited": "扣除当月全部绩效", "no_annual_award": "取消全年评优"}


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def local_text(when: datetime | None) -> str:
    return f"{to_local(when):%Y-%m-%d %H:%M}" if when else ""


def _yes(value: bool) -> str:
    return "是" if value else "否"


def month_sheets(
    view: MonthView,
    entries: list[EntryView],
    book: RuleBook,
    department_names: dict[str, str] | None = None,
) -> list[Sheet]:
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
    return [
        Sheet(f"{view.month} 月度得分", headers, rows),
        Sheet("考核明细", *_ledger_table(entries)),
        Sheet("说明", ["项目", "内容"], _notes(view, book, state)),
    ]


def _ledger_table(entries: list[EntryView]) -> tuple[list[str], list[list[Cell]]]:
    headers = [
        "工号",
        "月份",
        "考核项",
        "代码",
        "条款",
        "分值",
        "来源",
        "事件编号",
        "工单号",
        "录入人",
        "原因",
        "佐证",
        "更正条目",
        "发生时间（北京时间）",
        "结算后调整",
        "条目编号",
    ]
    rows: list[list[Cell]] = [
        [
            e.worker_id,
            e.month,
            e.label,
            e.rule,
            e.article,
            e.points,
            SOURCE_LABELS.get(e.source, e.source),
            e.event_id,
            e.order_id,
            e.entered_by,
            e.reason,
            e.evidence,
            e.corrects,
            local_text(e.occurred_at),
            _yes(e.adjustment),
            e.entry_id,
        ]
        for e in entries
    ]
    return headers, rows


def ledger_sheet(entries: list[EntryView]) -> Sheet:
    return Sheet("考核明细", *_ledger_table(entries))


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


def period_sheet(view: PeriodView, title: str) -> Sheet:
    months = sorted({m for r in view.rows for m in r.monthly})
    headers = ["工号", "姓名", "部门", *[f"{m} 得分" for m in months]]
    headers += ["合计", "月均分", "名次", "星级网格员", "年度最佳", "取消评优", "不合格"]
    rows: list[list[Cell]] = [
        [
            r.worker_id,
            r.name,
            r.department,
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
    return Sheet(title, headers, rows)


def to_xlsx(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        _fit_columns(ws, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
