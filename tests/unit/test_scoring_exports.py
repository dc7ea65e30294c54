"""Downloads for the office: Chinese headers, one sheet per view, the same numbers as the API."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from services.scoring import exports
from services.scoring.config import load_rules
from services.scoring.domain.grid_workers import grid_workers
from services.scoring.schemas import (
    EntryView,
    MonthView,
    PeriodRowView,
    PeriodView,
    PlaceView,
    ScoreRow,
)
from shared.config import load_yaml
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
AT = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)

VIEW = MonthView(
    month="2026-09",
    closed=True,
    closed_at=AT,
    base=100,
    pass_line=80,
    workers=[
        ScoreRow(
            worker_id="W-0101",
            name="郑晓明",
            department="METER_READING",
            base=100,
            deductions=-10,
            bonuses=12,
            ranks={"RANK_CONSULTATIONS": PlaceView(count=3, place=1, points=5)},
            adjustments=0,
            at_close=102,
            final=102,
            passed=True,
            flags=["no_annual_award"],
        )
    ],
)
ENTRY = EntryView(
    entry_id="e1",
    worker_id="W-0101",
    month="2026-09",
    rule="COMPLAINT_VERIFIED",
    label="被用户投诉查证属实（取消全年评优资格）",
    article="18(一)5",
    points=-10,
    source="event",
    event_id="ev1",
    event_type="ComplaintVerified",
    order_id="GL-1",
    entered_by=None,
    reason="投诉查证属实",
    evidence=None,
    flag="no_annual_award",
    corrects=None,
    occurred_at=AT,
    adjustment=False,
)


def test_the_month_workbook_has_one_sheet_per_view_with_chinese_headers() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx(exports.month_sheets(VIEW, [ENTRY], BOOK))))
    assert book.sheetnames == ["2026-09 月度得分", "考核明细", "说明"]
    scores = list(book["2026-09 月度得分"].iter_rows(min_row=2, values_only=True))
    header = list(scores[0])
    row = dict(zip(header, scores[1], strict=True))
    assert (row["工号"], row["最终得分"], row["扣分"], row["加分"]) == ("W-0101", 102, -10, 12)
    assert row["解答咨询数量排名·名次"] == 1
    assert row["标记"] == "取消全年评优"
    ledger = list(book["考核明细"].iter_rows(min_row=2, values_only=True))
    entry = dict(zip(ledger[0], ledger[1], strict=True))
    assert (entry["工单号"], entry["分值"], entry["来源"]) == ("GL-1", -10, "系统自动")
    assert entry["发生时间（北京时间）"] == "2026-10-01 00:30"


def test_the_csv_opens_in_excel_as_utf8_and_matches() -> None:
    data = exports.to_csv(exports.month_sheets(VIEW, [], BOOK)[0])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert (rows[0]["工号"], rows[0]["最终得分"], rows[0]["是否合格"]) == ("W-0101", "102", "是")


def test_the_year_sheet_names_the_best_and_the_unqualified() -> None:
    view = PeriodView(
        period="2026",
        months_closed=["2026-09"],
        rows=[
            PeriodRowView(
                worker_id="W-0102",
                name="王海燕",
                department="METER_READING",
                monthly={"2026-09": 118},
                total=118,
                average=118.0,
                place=None,
                star=False,
                best=True,
                award_excluded=False,
                unqualified=False,
            )
        ],
    )
    sheet = exports.period_sheet(view, "2026 年度考核")
    row = dict(zip(sheet.headers, sheet.rows[0], strict=True))
    assert (row["2026-09 得分"], row["年度最佳"], row["不合格"]) == (118, "是", "否")


def test_grid_workers_belong_to_the_department_of_their_grids_team() -> None:
    org = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
    departments = {w.id: w.department for w in grid_workers(org)}
    assert departments["W-0101"] == "METER_READING"
    assert departments["W-0303"] == "USER_MAINTENANCE"
    assert "P-0110" not in departments  # duty staff are not assessed as grid workers


MANUAL = ENTRY.model_copy(
    update={
        "entry_id": "0b6f6c2e-8f2a-4a55-9a43-2f0d3c1d9e77",
        "rule": "PENNANT",
        "label": "获赠锦旗",
        "points": 3,
        "source": "manual",
        "event_id": "5d1c3f0e-2b7a-4c8e-9d6f-1a2b3c4d5e6f",
        "event_type": "ScoreEntryRecorded",
        "order_id": None,
        "entered_by": "P-0100",
        "corrects": "7e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    }
)


def test_the_ledger_sheet_names_people_and_rules_and_holds_no_internal_ids() -> None:
    people = {"W-0101": "郑晓明", "P-0100": "钱主任"}
    sheets = exports.month_sheets(VIEW, [ENTRY, MANUAL], BOOK, {}, people, "抄表处")
    book = load_workbook(io.BytesIO(exports.to_xlsx(sheets)))
    ledger = list(book["考核明细"].iter_rows(min_row=2, values_only=True))
    rows = [dict(zip(ledger[0], r, strict=True)) for r in ledger[1:]]
    assert "代码" not in ledger[0]
    assert [(r["姓名"], r["考核项"], r["录入人"]) for r in rows] == [
        ("郑晓明", "被用户投诉查证属实（取消全年评优资格）", None),
        ("郑晓明", "获赠锦旗", "钱主任"),
    ]
    assert rows[1]["是否更正"] == "是"
    cells = [str(c) for r in ledger for c in r if c is not None]
    for uuid in (MANUAL.entry_id, MANUAL.event_id, MANUAL.corrects, "ev1", "e1"):
        assert uuid not in cells


def test_every_sheet_is_ready_to_file_and_print() -> None:
    sheets = exports.month_sheets(VIEW, [ENTRY], BOOK, {}, {}, "抄表处")
    sheets.append(
        exports.period_sheet(
            PeriodView(period="2026", months_closed=[], rows=[]), "2026 年度考核", {}, "抄表处"
        )
    )
    book = load_workbook(io.BytesIO(exports.to_xlsx(sheets)))
    for ws in book.worksheets:
        assert str(ws["A1"].value).startswith("抄表处 "), ws.title
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A2:")
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert book["2026-09 月度得分"]["A1"].value.startswith("抄表处 2026-09 网格员月度考核")
