"""A 回访 proposes a deduction only when the caller was 不满意 and the order had a holder: a
NO_ECHO candidate (Art. 18(一)3, −2) in the Beijing month, the same for a replayed event, and
never an automatic entry."""

from datetime import datetime

import pytest

from services.scoring.config import load_rules
from services.scoring.domain.candidates import candidates_for
from services.scoring.domain.entries import automatic_entries
from shared.clock import LOCAL_TZ
from shared.contracts import CallbackRecorded, CallbackRecordedPayload
from shared.paths import CONFIG_DIR

BOOK = load_rules(CONFIG_DIR / "scoring_rules.yaml")
# 00:20 on 1 December is December in Beijing and still November in UTC.
AT = datetime(2026, 12, 1, 0, 20, tzinfo=LOCAL_TZ)


def callback(satisfaction: str, holder: str | None = "W-0301") -> CallbackRecorded:
    return CallbackRecorded(
        order_id="GL-1",
        occurred_at=AT,
        producer="intake",
        payload=CallbackRecordedPayload(
            message_id="FU-1",
            at=AT,
            satisfaction=satisfaction,
            solved=False,
            opinion="又开始漏了",
            round=1,
            holder_id=holder,
        ),
    )


def test_no_echo_is_art_18_1_3_and_costs_two_points_when_the_head_confirms() -> None:
    rule = BOOK.rule("NO_ECHO", "2026-12")
    assert rule is not None
    assert (rule.article, rule.points, rule.entry) == ("18(一)3", -2, "manual")


def test_a_dissatisfied_callback_is_a_candidate_against_the_holder() -> None:
    event = callback("不满意")
    [candidate] = candidates_for(event, BOOK)
    assert (candidate.rule, candidate.worker_id, candidate.month) == (
        "NO_ECHO",
        "W-0301",
        "2026-12",
    )
    assert (candidate.source, candidate.source_ref) == ("CallbackRecorded", "GL-1")
    assert "回访不满意" in candidate.reason and "又开始漏了" in candidate.reason
    assert candidates_for(event, BOOK) == [candidate]
    assert automatic_entries(event, BOOK) == []


@pytest.mark.parametrize(
    ("satisfaction", "holder"), [("满意", "W-0301"), ("基本满意", "W-0301"), ("不满意", None)]
)
def test_no_candidate_when_satisfied_or_nobody_held_it(
    satisfaction: str, holder: str | None
) -> None:
    assert candidates_for(callback(satisfaction, holder), BOOK) == []
