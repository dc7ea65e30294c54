"""The monthly report as the xlsx the office files: one sheet per part of the page, each with a
title row naming the scope and month, a frozen, filtered header, printed landscape one page wide;
the category comparison and the scores' trend carry Excel charts of their own."""

import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from services.console.domain.report import Compared, Report, percent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None


def _compared(report: Report, items: list[Compared], what: str) -> tuple[list[str], list[Any]]:
    headers = [what, f"{report.month} 工单", f"{report.last_month} 工单", "增减", "环比"]
    return headers, [[c.label, c.this, c.last, c.change, c.change_text] for c in items]


def _sheets(report: Report, category: Callable[[str], str]) -> list[tuple[str, list[str], Any]]:
    hot = [
        [h.community, category(h.category), h.months_seen, h.total, h.this] for h in report.hotspots
    ]
    rates = [
        [r.grid, r.resolved, percent(r.on_time_rate), r.callbacks, percent(r.satisfaction_rate)]
        for r in report.rates or []
    ]
    trend = [[name, *values] for name, values in report.trend.workers]
    scores = [
        [s["name"], s["base"], s["deductions"], s["bonuses"], s["final"], _passed(s)]
        for s in report.scores
    ]
    return [
        ("按类别", *_compared(report, report.categories, "类别")),
        ("按小区", *_compared(report, report.communities, "小区")),
        ("热点难点", ["小区", "类别", "出现月数", "工单合计", "本月工单"], hot),
        ("网格按时率满意率", ["网格", "办结工单", "按时办结率", "回访", "满意率"], rates),
        ("网格员得分", ["网格员", "基础分", "扣分", "加分", "得分", "是否合格"], scores),
        ("得分趋势", ["网格员", *report.trend.months], trend),
    ]


def _passed(row: dict[str, Any]) -> str:
    return "合格" if row.get("passed") else "不合格"


def workbook(report: Report, scope: str, category: Callable[[str], str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in _sheets(report, category):
        ws = book.create_sheet(title)
        ws.append([f"{scope} {report.month} 月报 · {title}"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        if report.rates is None and title == "网格按时率满意率":
            ws.append(["时限服务尚未提供按网格的按时办结率与满意率"])
        _for_filing(ws, len(headers), len(rows))
    _charts(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _for_filing(ws: Any, columns: int, rows: int) -> None:
    last = get_column_letter(max(columns, 1))
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last}{rows + 2}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    for index in range(1, columns + 1):
        ws.column_dimensions[get_column_letter(index)].width = 16


def _charts(book: Workbook, report: Report) -> None:
    if report.categories:
        ws = book["按类别"]
        bar = BarChart()
        bar.title = f"按类别工单数：{report.month} 与 {report.last_month}"
        last = len(report.categories) + 2
        bar.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=2, max_row=last), titles_from_data=True
        )
        bar.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
        ws.add_chart(bar, "H3")
    if report.trend.workers:
        ws = book["得分趋势"]
        line = LineChart()
        line.title = "网格员月度得分趋势"
        last = len(report.trend.workers) + 2
        data = Reference(
            ws, min_col=1, max_col=len(report.trend.months) + 1, min_row=3, max_row=last
        )
        line.add_data(data, from_rows=True, titles_from_data=True)
        line.set_categories(
            Reference(ws, min_col=2, max_col=len(report.trend.months) + 1, min_row=2)
        )
        ws.add_chart(line, "B" + str(last + 3))
