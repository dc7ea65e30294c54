"""Outreach's events propose deductions to the head, never make them: INFO_NOT_SENT for a
notice not posted by its deadline, WECHAT_GROUP_MISSING for a register gap (Art. 18(一)6)."""

from datetime import datetime

from services.scoring.config import load_rules
from services.scoring.domain.candidates import candidates_for
from services.scoring.domain.entries import automatic_entries
from shared.clock import LOCAL_TZ
from shared.contracts import (
    NoticeOverdue,
    NoticeOverduePayload,
    WeChatGroupMissing,
    WeChatGroupMissingPayload,
)
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
# 00:30 on 1 December is December in Beijing and still November in UTC.
DEADLINE = datetime(2026, 12, 1, 0, 30, tzinfo=LOCAL_TZ)


def overdue() -> NoticeOverdue:
    return NoticeOverdue(
        occurred_at=DEADLINE,
        producer="outreach",
        worker_id="W-0302",
        payload=NoticeOverduePayload(
            task_id="NTC-20261130-ABC123-1",
            campaign_id="NTC-20261130-ABC123",
            department="USER_MAINTENANCE",
            community="水城花园",
            title="维修停水通知",
            deadline=DEADLINE,
        ),
    )


def test_both_rules_are_art_18_1_6_and_cost_two_points() -> None:
    for code in ("INFO_NOT_SENT", "WECHAT_GROUP_MISSING"):
        rule = BOOK.rule(code, "2026-12")
        assert rule is not None and (rule.article, rule.points) == ("18(一)6", -2)


def test_an_overdue_notice_is_an_info_not_sent_candidate_in_the_beijing_month() -> None:
    event = overdue()
    [candidate] = candidates_for(event, BOOK)
    assert (candidate.rule, candidate.worker_id, candidate.month) == (
        "INFO_NOT_SENT",
        "W-0302",
        "2026-12",
    )
    assert candidate.source_ref == "NTC-20261130-ABC123-1"
    assert "水城花园" in candidate.reason and "维修停水通知" in candidate.reason
    assert candidates_for(event, BOOK) == [candidate]  # the same event, the same candidate
    assert automatic_entries(event, BOOK) == []  # nothing deducted on its own


def test_a_register_gap_is_a_wechat_group_missing_candidate() -> None:
    event = WeChatGroupMissing(
        occurred_at=DEADLINE,
        producer="outreach",
        worker_id="W-0304",
        payload=WeChatGroupMissingPayload(
            community="东城花园", grid="UM-KF-01", department="USER_MAINTENANCE", month="2026-12"
        ),
    )
    [candidate] = candidates_for(event, BOOK)
    assert (candidate.rule, candidate.worker_id, candidate.month, candidate.source_ref) == (
        "WECHAT_GROUP_MISSING",
        "W-0304",
        "2026-12",
        "东城花园",
    )
    assert automatic_entries(event, BOOK) == []
