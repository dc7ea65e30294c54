"""A planned outage is announced its lead time ahead (config/notice_templates.yaml)."""

from datetime import datetime, timedelta

from services.outreach.config import OutreachSettings, load_deps
from services.outreach.domain.lead_time import short_notice
from shared.clock import LOCAL_TZ

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


def test_the_shipped_planned_outage_template_needs_a_day() -> None:
    deps = load_deps(OutreachSettings())
    template = deps.templates.get("UM_MAINTENANCE_OUTAGE")
    assert template is not None and template.notice_lead_hours == 24


def test_five_minutes_ahead_is_refused_with_the_reason() -> None:
    problem = short_notice(24, 10, NOW + timedelta(minutes=5), NOW)
    assert problem is not None
    assert "提前 24 小时" in problem and "12月2日10:05" in problem and "紧急停水" in problem


def test_a_day_ahead_less_the_minutes_the_form_takes_is_in_time() -> None:
    assert short_notice(24, 10, NOW + timedelta(hours=24), NOW) is None
    assert short_notice(24, 10, NOW + timedelta(hours=23, minutes=50), NOW) is None
    assert short_notice(24, 10, NOW + timedelta(hours=23, minutes=49), NOW) is not None


def test_a_template_without_lead_time_or_an_open_start_asks_for_none() -> None:
    assert short_notice(None, 10, NOW + timedelta(minutes=5), NOW) is None
    assert short_notice(24, 10, None, NOW) is None
