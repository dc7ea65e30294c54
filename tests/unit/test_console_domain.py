"""The console's pure decisions: lock-out, demo accounts, the inbox's deadlines, labels."""

from datetime import UTC, datetime, timedelta

from services.console.domain.accounts import (
    AttemptState,
    LockPolicy,
    after_failure,
    demo_accounts,
    failure_message,
    may_try,
)
from services.console.domain.inbox import inbox_rows
from services.console.domain.labels import time_left
from shared.config import load_yaml
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = LockPolicy(attempts=5, lock_for=timedelta(minutes=15))


def test_the_fifth_wrong_password_locks_the_account_for_a_while() -> None:
    state = AttemptState(0, None, False)
    for _ in range(4):
        state = after_failure(state, NOW, POLICY)
        assert may_try(state, NOW).allowed
    assert "再错 1 次" in failure_message(state, POLICY)
    state = after_failure(state, NOW, POLICY)
    assert not may_try(state, NOW).allowed
    assert "锁定" in may_try(state, NOW + timedelta(minutes=14)).message
    assert may_try(state, NOW + timedelta(minutes=15)).allowed


def test_a_disabled_account_may_not_try_at_all() -> None:
    verdict = may_try(AttemptState(0, None, True), NOW)
    assert not verdict.allowed and "停用" in verdict.message


def test_demo_accounts_give_heads_their_department_and_workers_their_own() -> None:
    org = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
    accounts = {a.username: a for a in demo_accounts(org)}
    assert accounts["p-0200"].role == "head:USER_MAINTENANCE"
    assert accounts["w-0301"].role == "department:USER_MAINTENANCE"
    assert accounts["w-0301"].person_id == "W-0301"
    assert accounts["w-0101"].role == "department:METER_READING"
    assert accounts["operator"].role == "operator" and accounts["ops"].role == "ops"


def _routed(order_id: str, state: str = "dispatched", **when: timedelta) -> dict[str, object]:
    return {
        "order_id": order_id,
        "category": "LEAK",
        "priority": "normal",
        "state": state,
        "assignee_id": "W-0301",
        "chain_position": "A",
        "major": False,
        "address": "水城花园 3",
        **{k: (NOW + v).isoformat() for k, v in when.items()},
    }


def test_an_unsigned_order_chases_its_sign_for_time_a_signed_one_its_resolve_deadline() -> None:
    rows = inbox_rows(
        [
            _routed(
                "GL-A", "acknowledged", ack_due=timedelta(minutes=30), deadline=timedelta(hours=24)
            ),
            _routed("GL-B", ack_due=timedelta(hours=2), deadline=timedelta(hours=30)),
        ],
        [{"order_id": "GL-A", "address": "水城花园3号楼", "caller_name": "王先生"}],
        NOW,
    )
    assert [r.order_id for r in rows] == ["GL-B", "GL-A"]
    b, a = rows
    assert (b.deadline_kind, b.deadline) == ("acknowledge", NOW + timedelta(hours=2))
    assert (a.deadline_kind, a.deadline) == ("resolve", NOW + timedelta(hours=24))
    assert b.resolve_due == NOW + timedelta(hours=30)
    assert a.address == "水城花园3号楼" and a.caller_name == "王先生"
    assert b.address == "水城花园 3"  # intake had not said: the router's copy of the address


def test_an_agreed_appointment_before_the_deadline_comes_first() -> None:
    (row,) = inbox_rows(
        [
            _routed(
                "GL-D",
                "acknowledged",
                ack_due=timedelta(minutes=-30),
                deadline=timedelta(hours=24),
                appointment_at=timedelta(hours=3),
            )
        ],
        [],
        NOW,
    )
    assert (row.deadline_kind, row.deadline) == ("appointment", NOW + timedelta(hours=3))


def test_an_order_past_its_deadline_is_marked_overdue() -> None:
    (row,) = inbox_rows([_routed("GL-C", ack_due=timedelta(hours=-1))], [], NOW)
    assert row.overdue
    assert time_left(row.deadline, NOW) == "已超时1小时0分"
    assert time_left(NOW + timedelta(days=1, hours=3), NOW) == "剩余1天3小时"


def test_the_routers_skip_reasons_are_said_in_chinese() -> None:
    from services.console.domain.labels import reason

    assert reason("W-0301 off shift (day 08:00–17:30)") == "不在班（班次 08:00–17:30）"
    assert reason("W-0301 on leave until 12-03") == "请假至 12-03"
    assert reason("UM-T1 has nobody on duty") == "UM-T1 无人值班"
    assert reason("address matches no grid") == "地址未匹配到网格"
