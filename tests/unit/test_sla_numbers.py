"""The numbers' arithmetic and the page's template, without a database."""

from datetime import UTC, datetime

from services.sla.dashboard import render_dashboard
from services.sla.domain.calendar import local_day_start, local_month_start
from services.sla.domain.numbers import percentiles


def test_percentiles_are_nearest_rank_in_seconds() -> None:
    values = [float(v) for v in range(1, 101)]  # 1 … 100 seconds
    assert percentiles(values) == {"count": 100, "p50": 50.0, "p90": 90.0, "p99": 99.0}
    assert percentiles([7.0]) == {"count": 1, "p50": 7.0, "p90": 7.0, "p99": 7.0}
    assert percentiles([]) == {"count": 0, "p50": None, "p90": None, "p99": None}


def test_today_and_this_month_are_beijing_days() -> None:
    # 2026-03-31 17:30 UTC is already 1 April, 01:30 in Beijing.
    now = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    assert local_day_start(now).astimezone(UTC) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert local_month_start(now).astimezone(UTC) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


def test_the_page_is_chinese_self_contained_and_refreshes_itself() -> None:
    page = render_dashboard({"USER_MAINTENANCE": "用户维修处"}, refresh_seconds=20)
    assert '<html lang="zh-CN">' in page and "工单时限监控" in page and "按时办结率" in page
    assert "每 20 秒自动刷新" in page and "REFRESH_MS = 20 * 1000" in page
    assert '"USER_MAINTENANCE": "用户维修处"' in page
    # Nothing fetched from anywhere but this service.
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert 'src="' not in page


def test_a_department_name_cannot_break_out_of_the_script() -> None:
    page = render_dashboard({"X": "</script><script>alert(1)</script>"}, refresh_seconds=15)
    assert "</script><script>alert(1)" not in page
