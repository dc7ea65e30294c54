"""Our own 回访's rules alone: what each result puts on the order, when tries end, and the file
that says what we call back (12345's orders are the platform's)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.intake.config import CallbackFile
from services.intake.domain.own_followups import OwnOrder, callback_closed, callback_events
from shared.config import ConfigError, load_yaml
from shared.contracts import CallbackRecorded, OrderReopened
from shared.paths import CONFIG_DIR

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
RESOLVED = OwnOrder("GL-1", "96568", "resolved", reply_cycle=0, holder_id="W-0301")


def test_each_result_puts_what_the_platforms_callback_would() -> None:
    assert callback_events(RESOLVED, "联系不上", "", "op-1", "m1", NOW) == []
    (happy,) = callback_events(RESOLVED, "基本满意", "", "op-1", "m1", NOW)
    assert isinstance(happy, CallbackRecorded)
    assert (happy.payload.solved, happy.payload.round) == (True, 1)
    recorded, reopened = callback_events(RESOLVED, "不满意", "水还是黄的", "op-1", "m1", NOW)
    assert isinstance(recorded, CallbackRecorded) and not recorded.payload.solved
    # Who called and who held it: scoring offers the holder's head a 件件有回音 candidate.
    assert (recorded.payload.by, recorded.payload.holder_id) == ("op-1", "W-0301")
    assert isinstance(reopened, OrderReopened) and reopened.causation_id == recorded.event_id
    assert (reopened.payload.round, reopened.payload.by) == (2, "op-1")
    assert reopened.payload.reason == "96568 回访不满意：水还是黄的"


def test_the_last_unreached_try_ends_the_callback() -> None:
    assert [callback_closed("联系不上", before, 3) for before in range(3)] == [False, False, True]
    assert callback_closed("满意", 0, 3)


def test_the_file_is_validated_and_12345_is_refused(tmp_path: Path) -> None:
    rules = load_yaml(CONFIG_DIR / "callbacks.yaml", CallbackFile).own_callbacks
    assert rules.sources == ("96568", "grid_report") and rules.max_tries >= 1
    wrong = tmp_path / "callbacks.yaml"
    wrong.write_text("own_callbacks:\n  sources: ['12345']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="platform"):
        load_yaml(wrong, CallbackFile)
