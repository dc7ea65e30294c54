"""The training register as .xlsx for the company office: every worker with their count, and the
trainings themselves, with Chinese headers."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from services.outreach.schemas import TrainingReport, TrainingView


def training_xlsx(
    report: TrainingReport, trainings: list[TrainingView], names: dict[str, str]
) -> bytes:
    book = Workbook()
    counts = book.active
    assert counts is not None  # a new workbook always has its first sheet
    counts.title = f"{report.year}年培训次数"
    counts.append(["工号", "姓名", "培训次数", f"距{report.required}次还差", "本年剩余月数"])
    for w in report.workers:
        counts.append([w.worker_id, w.worker_name, w.count, w.short_by, w.months_left])
    held = book.create_sheet("培训记录")
    held.append(["日期", "培训内容", "培训人", "参训人数", "参训人员"])
    for t in trainings:
        people = "、".join(names.get(a, a) for a in t.attendees)
        held.append([t.held_on.isoformat(), t.topic, t.trainer, len(t.attendees), people])
    for sheet in (counts, held):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
