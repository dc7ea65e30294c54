"""The month's xlsx a head downloads from the console reads on opening: department names, not
codes, and columns as wide as their Chinese text."""

import io

from openpyxl import load_workbook

from services.scoring import exports
from tests.unit.test_scoring_exports import BOOK, ENTRY, VIEW


def test_the_month_sheet_names_departments_and_fits_its_columns() -> None:
    sheets = exports.month_sheets(VIEW, [ENTRY], BOOK, {"METER_READING": "抄表处"})
    book = load_workbook(io.BytesIO(exports.to_xlsx(sheets)))
    month = book.worksheets[0]
    headers = [c.value for c in month[2]]  # under the title row
    assert month.cell(3, headers.index("部门") + 1).value == "抄表处"
    for column, header in enumerate(headers, start=1):
        width = month.column_dimensions[month.cell(2, column).column_letter].width
        assert width >= 2 * len(str(header)), (header, width)


def test_a_department_missing_from_the_names_keeps_its_code() -> None:
    (sheet, *_) = exports.month_sheets(VIEW, [], BOOK, {})
    assert sheet.rows[0][2] == "METER_READING"
