"""Outreach's pure rules: template files, rendered texts, who posts, training counts, gaps."""

from datetime import date, datetime
from pathlib import Path

import pytest

from services.outreach.config import NoticeTemplates
from services.outreach.domain import groups, notices, training
from shared.clock import LOCAL_TZ
from shared.config import ConfigError, load_yaml
from shared.contracts import LeavePeriod
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR

ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
TEMPLATES = load_yaml(CONFIG_DIR / "notice_templates.yaml", NoticeTemplates)
NOON = datetime(2026, 12, 2, 12, 0, tzinfo=LOCAL_TZ)


def away(first: str, last: str) -> tuple[LeavePeriod, ...]:
    return (LeavePeriod.model_validate({"from": first, "to": last}),)


def test_the_shipped_templates_name_known_departments() -> None:
    assert TEMPLATES.problems_with(ORG) == []


def test_a_misspelt_placeholder_stops_the_file_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "notice_templates.yaml"
    bad.write_text(
        "templates:\n  - {code: X, department: BILLING, kind: holiday, title: t,"
        " text: '尊敬的{comunity}用户'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_yaml(bad, NoticeTemplates)
    message = str(caught.value)
    assert str(bad) in message and "templates.0.text" in message and "comunity" in message


def test_the_text_is_the_templates_with_beijing_times_filled_in() -> None:
    template = TEMPLATES.get("UM_RESTORATION")
    assert template is not None
    text = notices.render(
        template.text,
        community="古楼社区",
        start=None,
        end=datetime(2026, 12, 3, 7, 30, tzinfo=LOCAL_TZ),
        reason="管道抢修",
        hotline="96568",
        department="用户维修处",
    )
    assert text == (
        "【复水通知】尊敬的古楼社区用户：管道抢修已完成，已于12月3日07:30恢复供水。"
        "初期水质如有浑浊，请放水片刻。咨询电话：96568。"
    )


def test_the_a_post_posts_the_notice() -> None:
    who = notices.responsible(ORG, "USER_MAINTENANCE", "水城花园", {}, NOON)
    assert (who.worker_id, who.post, who.grid) == ("W-0301", "A", "UM-DC-03")


def test_b_post_posts_when_a_is_on_leave() -> None:
    leave = {"W-0301": away("2026-12-02", "2026-12-02")}
    who = notices.responsible(ORG, "USER_MAINTENANCE", "水城小区", leave, NOON)
    assert (who.worker_id, who.post) == ("W-0302", "B")


def test_with_a_and_b_both_away_the_task_stays_with_a_and_says_so() -> None:
    leave = {"W-0301": away("2026-12-01", "2026-12-05"), "W-0302": away("2026-12-02", "2026-12-02")}
    who = notices.responsible(ORG, "USER_MAINTENANCE", "水城花园", leave, NOON)
    assert (who.worker_id, who.post) == ("W-0301", "A")
    assert "均请假" in who.note


def test_the_department_decides_the_grid_of_a_community() -> None:
    who = notices.responsible(ORG, "METER_READING", "水城花园", {}, NOON)
    assert (who.worker_id, who.grid) == ("W-0101", "MR-DC-01")
    with pytest.raises(notices.UnknownCommunity, match="抄表处没有负责“不存在小区”的网格"):
        notices.responsible(ORG, "METER_READING", "不存在小区", {}, NOON)


def test_a_worker_with_three_trainings_on_1_december_is_short_with_one_month_left() -> None:
    held = [date(2026, 3, 5), date(2026, 6, 5), date(2026, 9, 5)]
    attended = [training.Attendance("W-0301", d) for d in held]
    attended += [training.Attendance("W-0302", d) for d in (*held, date(2026, 11, 5))]
    attended.append(training.Attendance("W-0303", date(2025, 12, 5)))  # last year's
    counts = training.counts_for_year(
        ["W-0301", "W-0302", "W-0303"], attended, 2026, date(2026, 12, 1), 4
    )
    assert [(c.worker_id, c.count, c.short_by, c.months_left) for c in counts] == [
        ("W-0301", 3, 1, 1),
        ("W-0302", 4, 0, 1),
        ("W-0303", 0, 4, 1),
    ]
    assert [c.worker_id for c in training.short(counts)] == ["W-0301", "W-0303"]


def test_both_posts_need_the_group_or_the_managers_contact() -> None:
    covered = [(w, c) for w in ("W-0303", "W-0304") for c in ("开发区", "东城")]
    covered.remove(("W-0304", "东城"))
    found = [g for g in groups.gaps(ORG, covered) if g.grid == "UM-KF-01"]
    assert [(g.worker_id, g.community, g.department) for g in found] == [
        ("W-0304", "东城花园", "USER_MAINTENANCE")
    ]
